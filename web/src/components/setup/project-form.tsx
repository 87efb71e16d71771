import { useId, useState } from 'react';
import { api } from '../../api/api-client.ts';
import type { ProjectView, RepoView } from '../../../../src/server/api-types.ts';
import { Link } from '../../routing/link.tsx';
import { ErrorNotice } from '../error-notice.tsx';
import { FieldErrors } from '../field-errors.tsx';
import { useFormSubmit } from '../use-form-submit.ts';

/** Creates a project (a DSN) for one registered repository: the errors sent to it become issues on that repository. */
export function ProjectForm({ repos, onCreated }: { repos: RepoView[]; onCreated(project: ProjectView): void }) {
  const id = useId();
  const [name, setName] = useState('');
  const [repo, setRepo] = useState('');
  const chosenRepo = repo || repos[0]?.name || '';

  const { busy, error, submit } = useFormSubmit(async () => {
    const project = await api.post<ProjectView>('/api/projects', { name: name.trim(), repo: chosenRepo });
    setName('');
    onCreated(project);
  });

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Create a project</h2>
      {repos.length === 0 ? (
        <p className="notice" role="status">
          A project sends an application’s errors to one repository: <Link to="/repositories">register a repository</Link> first.
        </p>
      ) : (
        <>
          <ErrorNotice error={error} title="Not created" />
          <form className="form" onSubmit={submit}>
            <label>
              Project name
              <input name="name" required value={name} onChange={(event) => setName(event.target.value)} placeholder="shop-web" />
            </label>
            <FieldErrors error={error} field="name" />
            <label>
              Repository its errors are fixed in
              <select name="repo" value={chosenRepo} onChange={(event) => setRepo(event.target.value)}>
                {repos.map((option) => (
                  <option key={option.name} value={option.name}>
                    {option.name}
                  </option>
                ))}
              </select>
            </label>
            <FieldErrors error={error} field="repo" />
            <div className="form-actions">
              <button type="submit" className="button primary" disabled={busy}>
                {busy ? 'Creating…' : 'Create project'}
              </button>
            </div>
          </form>
        </>
      )}
    </section>
  );
}
