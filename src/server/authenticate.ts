import type { Context, Next } from 'hono';
import type { UserStore } from '../store/user-store.ts';
import { csrfMatches, type ActiveSession, type SessionLookup, type SessionStore } from '../store/session-store.ts';
import { roleAtLeast, type Actor } from '../domain/roles.ts';
import { HttpError } from '../http/http-error.ts';
import { csrfHeaderName, readSessionCookie } from './session-cookie.ts';

/**
 * What every authenticated route can read from the context: the actor, and the dashboard session
 * when the request came with the session cookie rather than a bearer token.
 */
export type AppEnvironment = { Variables: { actor: Actor; session?: ActiveSession; publicUrl?: string } };

const safeMethods = new Set(['GET', 'HEAD']);

/** The active session behind a cookie value, or the 401 that says why there is none. */
export function activeSessionOrThrow(lookup: SessionLookup): ActiveSession {
  if (lookup.kind === 'active') return lookup.session;
  if (lookup.kind === 'expired') throw new HttpError(401, 'session_expired', `your session expired at ${lookup.expiredAt.toISOString()}: sign in again`);
  throw new HttpError(401, 'unauthorized', 'the session cookie belongs to no session (signed out, or Mender forgot it): sign in again');
}

/**
 * A cookie-authenticated request that changes something must prove it came from Mender's own page:
 * the `X-CSRF-Token` header must carry the session's token, which other sites cannot read.
 */
export function requireCsrfToken(c: Context, session: ActiveSession): void {
  const token = c.req.header(csrfHeaderName);
  if (!token)
    throw new HttpError(
      403,
      'csrf_failed',
      'this request changes something and came with the session cookie but without the X-CSRF-Token header: send the csrfToken from POST or GET /api/session',
    );
  if (!csrfMatches(session, token))
    throw new HttpError(403, 'csrf_failed', 'the X-CSRF-Token header does not match this session: fetch the current csrfToken with GET /api/session and retry');
}

/** The actor behind `Authorization: Bearer <token>`, or undefined when there is none or it is unknown. */
export async function bearerActor(c: Context, users: UserStore): Promise<Actor | undefined> {
  const header = c.req.header('authorization') ?? '';
  // RFC 7235: the scheme is case-insensitive; one or more spaces separate it from the token.
  const token = /^bearer +(\S+) *$/i.exec(header)?.[1] ?? '';
  return token ? users.actorForToken(token) : undefined;
}

/**
 * Middleware that resolves the caller to an actor — a bearer token, or else the dashboard's session
 * cookie (with CSRF checked on every mutating request) — and refuses viewers anything but reads.
 * Routes behind it read the actor with `c.get('actor')`.
 */
export function createAuthenticate(users: UserStore, sessions?: SessionStore) {
  return async (c: Context<AppEnvironment>, next: Next) => {
    const header = c.req.header('authorization') ?? '';
    const cookie = sessions ? readSessionCookie(c) : undefined;
    let actor: Actor | undefined;
    if (header || !cookie) {
      actor = await bearerActor(c, users);
      if (!actor) {
        throw new HttpError(
          401,
          'unauthorized',
          'missing or unknown bearer token: send Authorization: Bearer <token> (MENDER_ADMIN_TOKEN, <dataDir>/admin-token, or a token from `mender user add`), or sign in to the dashboard (POST /api/session)',
        );
      }
    } else {
      const session = activeSessionOrThrow(await sessions!.lookup(cookie));
      actor = session.actor;
      c.set('session', session);
      if (!safeMethods.has(c.req.method)) requireCsrfToken(c, session);
    }
    c.set('actor', actor);
    // Viewers read; everything that changes something needs at least a team lead.
    if (!safeMethods.has(c.req.method) && !roleAtLeast(actor.role, 'team-lead')) {
      throw new HttpError(403, 'forbidden', `${actor.name} is a viewer and may only read`);
    }
    await next();
  };
}
