import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../api/api-error.ts';
import { useSession } from '../session/session-provider.tsx';
import { ThemeToggle } from '../theme/theme-toggle.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';

/** Name and password; a first admin comes from the one-time setup link Mender prints. */
export function SignInPage({ notice }: { notice?: string }) {
  const { signIn } = useSession();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = 'Sign in · Mender';
  }, []);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(name.trim(), password);
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 401
          ? 'That name and password do not match a user. Check both and try again.'
          : caught instanceof Error
            ? caught.message
            : String(caught),
      );
      setBusy(false);
    }
  };
  return (
    <main className="auth-page" id="main">
      <div className="auth-card">
        <h1>Sign in to Mender</h1>
        {notice ? (
          <p className="notice" role="status">
            {notice}
          </p>
        ) : null}
        <ErrorNotice error={error} />
        <form onSubmit={(event) => void submit(event)} className="form">
          <label>
            Name
            <input name="name" autoComplete="username" required value={name} onChange={(event) => setName(event.target.value)} autoFocus />
          </label>
          <label>
            Password
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          </label>
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="muted small">
          No account yet? Ask an admin to add you with a password and a role (viewer, team lead or admin):{' '}
          <code>npx mender user add NAME --role ROLE --password-stdin</code>. On a new Mender, open the one-time setup link it printed when it started.
        </p>
        <div className="auth-footer">
          <ThemeToggle />
        </div>
      </div>
    </main>
  );
}
