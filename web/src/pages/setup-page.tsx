import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/api-client.ts';
import { ApiError } from '../api/api-error.ts';
import { useQuery, useRouter } from '../routing/router.tsx';
import { useSession } from '../session/session-provider.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';

const minimumPasswordLength = 12;

/** The first admin, from the one-time link (`/setup?token=…`) Mender prints while no admin exists. */
export function SetupPage() {
  const token = useQuery().get('token') ?? '';
  const { completeSetup } = useSession();
  const { navigate } = useRouter();
  const [needed, setNeeded] = useState<boolean | undefined>();
  const [name, setName] = useState('admin');
  const [password, setPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = 'Set up · Mender';
    api
      .get<{ needed: boolean }>('/api/setup')
      .then((answer) => setNeeded(answer.needed))
      .catch((caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password !== repeated) return setError('The two passwords differ; type the same password twice.');
    if (password.length < minimumPasswordLength) return setError(`Use at least ${minimumPasswordLength} characters for the password.`);
    setBusy(true);
    setError(undefined);
    try {
      await completeSetup(token, name.trim(), password);
      navigate('/', { replace: true });
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
      setBusy(false);
    }
  };

  return (
    <main className="auth-page" id="main">
      <div className="auth-card">
        <h1>Create the first admin</h1>
        {needed === false ? (
          <p className="notice" role="status">
            Setup is done: an admin exists. <a href="/">Sign in</a> instead.
          </p>
        ) : !token ? (
          <p className="notice notice-bad" role="alert">
            This page needs the one-time link Mender printed when it started (<code>/setup?token=…</code>). Copy the whole link from Mender&apos;s output.
          </p>
        ) : (
          <>
            <ErrorNotice error={error} />
            <form onSubmit={(event) => void submit(event)} className="form">
              <label>
                Admin name
                <input name="name" autoComplete="username" required value={name} onChange={(event) => setName(event.target.value)} />
              </label>
              <label>
                Password (at least {minimumPasswordLength} characters)
                <input
                  name="password"
                  type="password"
                  autoComplete="new-password"
                  required
                  value={password}
                  onChange={(event) => setPassword(event.target.value)}
                />
              </label>
              <label>
                Password again
                <input
                  name="repeated"
                  type="password"
                  autoComplete="new-password"
                  required
                  value={repeated}
                  onChange={(event) => setRepeated(event.target.value)}
                />
              </label>
              <button type="submit" className="button primary" disabled={busy}>
                {busy ? 'Creating…' : 'Create admin and sign in'}
              </button>
            </form>
          </>
        )}
      </div>
    </main>
  );
}
