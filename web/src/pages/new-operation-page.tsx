import { useState, type FormEvent } from 'react';
import { api } from '../api/api-client.ts';
import { ApiError } from '../api/api-error.ts';
import { useRouter } from '../routing/router.tsx';
import { useRoleAtLeast } from '../session/session-provider.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { FieldErrors } from '../components/field-errors.tsx';
import { useRepos } from '../components/use-repos.ts';
import { operationTypes } from '../format/status.ts';

const typeHelp: Record<string, string> = {
  fix: 'A bug: Mender writes a failing test first, then the fix.',
  debug: 'Find the cause of an error, then fix it with a test.',
  implement: 'A feature: the plan waits for your approval before code is written.',
  refactor: 'Restructure without changing behaviour; the suite must stay green.',
};

/** Starts an operation: type, repository, description, and an optional error with its stack. */
export function NewOperationPage() {
  const { navigate } = useRouter();
  const mayStart = useRoleAtLeast('team-lead');
  const { repos, error: reposError } = useRepos();
  const [type, setType] = useState('fix');
  const [repo, setRepo] = useState('');
  const [description, setDescription] = useState('');
  const [errorMessage, setErrorMessage] = useState('');
  const [stack, setStack] = useState('');
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const chosenRepo = repo || repos[0]?.name || '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const errorContext = errorMessage.trim() ? { message: errorMessage.trim(), ...(stack.trim() ? { stack: stack.trim() } : {}) } : undefined;
    try {
      const created = await api.post<{ id: string }>('/api/operations', {
        type,
        repo: chosenRepo,
        description: description.trim(),
        ...(errorContext ? { errorContext } : {}),
      });
      navigate(`/operations/${created.id}`);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, 'error', String(caught)));
      setBusy(false);
    }
  };

  if (!mayStart) {
    return (
      <section>
        <PageHeader title="New operation" />
        <p>Starting operations needs a team lead or an admin; viewers can follow them on the Operations page.</p>
      </section>
    );
  }
  return (
    <section className="narrow">
      <PageHeader title="New operation" subtitle="Describe the problem; Mender plans, proves it with a failing test, fixes it and asks for your approval." />
      <ErrorNotice error={error} title="Not started" />
      <ErrorNotice error={reposError} title="The repositories could not be loaded" />
      {repos.length === 0 && !reposError ? (
        <p className="notice" role="status">
          No repository is registered yet. An admin registers one with <code>npx mender repo add PATH</code>.
        </p>
      ) : null}
      <form className="form" onSubmit={(event) => void submit(event)}>
        <fieldset className="type-choice">
          <legend>Type</legend>
          {operationTypes.map((option) => (
            <label key={option} className="radio">
              <input type="radio" name="type" value={option} checked={type === option} onChange={() => setType(option)} />
              <span>
                <strong>{option}</strong> <span className="muted small">{typeHelp[option]}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <label>
          Repository
          <select name="repo" value={chosenRepo} onChange={(event) => setRepo(event.target.value)} required>
            {repos.map((option) => (
              <option key={option.name} value={option.name}>
                {option.name} ({option.defaultBranch})
              </option>
            ))}
          </select>
        </label>
        <FieldErrors error={error} field="repo" />
        <label>
          Description
          <textarea
            name="description"
            rows={5}
            required
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            placeholder="total() ignores the quantity of each item"
          />
        </label>
        <FieldErrors error={error} field="description" />
        <details className="error-context" open={!!errorMessage}>
          <summary>Error and stack trace (optional)</summary>
          <label>
            Error message
            <input
              name="errorMessage"
              value={errorMessage}
              onChange={(event) => setErrorMessage(event.target.value)}
              placeholder="TypeError: Cannot read properties of undefined (reading 'id')"
            />
          </label>
          <label>
            Stack trace
            <textarea name="stack" rows={6} className="mono" value={stack} onChange={(event) => setStack(event.target.value)} disabled={!errorMessage.trim()} />
          </label>
          {!errorMessage.trim() ? <p className="muted small">A stack trace goes with an error message.</p> : null}
        </details>
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy || !chosenRepo}>
            {busy ? 'Starting…' : `Start ${type}`}
          </button>
        </div>
      </form>
    </section>
  );
}
