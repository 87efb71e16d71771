import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../api/api-client.ts';
import { ApiError } from '../api/api-error.ts';
import type { Role, SessionUser, SessionView } from '../../../src/server/api-types.ts';

type SessionState = { status: 'loading' } | { status: 'signed-out'; notice?: string } | { status: 'signed-in'; session: SessionView };

interface SessionValue {
  state: SessionState;
  user: SessionUser | undefined;
  signIn(name: string, password: string): Promise<void>;
  completeSetup(token: string, name: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionValue | undefined>(undefined);

/** Who is signed in. The cookie carries the session; the CSRF token goes on every change. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const adopt = useCallback((session: SessionView) => {
    api.setCsrfToken(session.csrfToken);
    setState({ status: 'signed-in', session });
  }, []);

  const drop = useCallback((notice?: string) => {
    api.setCsrfToken(undefined);
    setState({ status: 'signed-out', notice });
  }, []);

  useEffect(() => {
    let cancelled = false;
    api
      .get<SessionView>('/api/session')
      .then((session) => !cancelled && adopt(session))
      .catch((error: unknown) => {
        if (cancelled) return;
        const expired = error instanceof ApiError && error.code === 'session_expired';
        drop(expired ? 'Your session expired; sign in again.' : error instanceof ApiError && error.status !== 401 ? error.message : undefined);
      });
    return () => {
      cancelled = true;
    };
  }, [adopt, drop]);

  useEffect(
    () =>
      api.onUnauthorized((error) => {
        drop(error.code === 'session_expired' ? 'Your session expired; sign in again.' : 'You were signed out; sign in again.');
      }),
    [drop],
  );

  const value = useMemo<SessionValue>(
    () => ({
      state,
      user: state.status === 'signed-in' ? state.session.user : undefined,
      signIn: async (name, password) => adopt(await api.post<SessionView>('/api/session', { name, password })),
      completeSetup: async (token, name, password) => adopt(await api.post<SessionView>('/api/setup', { token, name, password })),
      signOut: async () => {
        try {
          await api.delete('/api/session');
        } finally {
          drop('You signed out.');
        }
      },
    }),
    [state, adopt, drop],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

const rank: Record<Role, number> = { viewer: 0, 'team-lead': 1, admin: 2 };

/** True when the signed-in user has `minimum` or a higher role (the API checks it again). */
export function useRoleAtLeast(minimum: Role): boolean {
  const { user } = useSession();
  return !!user && rank[user.role] >= rank[minimum];
}
