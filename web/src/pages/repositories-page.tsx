import { useState } from 'react';
import { api } from '../api/api-client.ts';
import type { RegisteredRepoView, RepoList } from '../../../src/server/api-types.ts';
import { useLiveResource } from '../live/use-live-resource.ts';
import { useRoleAtLeast } from '../session/session-provider.tsx';
import { Link } from '../routing/link.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { Loading } from '../components/loading.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { RepositoryForm } from '../components/setup/repository-form.tsx';
import { RepositoryCard } from '../components/setup/repository-card.tsx';

/** The repositories Mender maintains, with the commands it checks changes with; admins add more here. */
export function RepositoriesPage() {
  const isAdmin = useRoleAtLeast('admin');
  const { data, error, loading, reload } = useLiveResource(
    () => api.get<RepoList>('/api/repos'),
    'repos',
    () => false,
  );
  const [added, setAdded] = useState<RegisteredRepoView | undefined>();
  const repos = data?.repos ?? [];
  return (
    <section>
      <PageHeader title="Repositories" subtitle="The code Mender maintains, and the commands that check each change." />
      {added ? (
        <div className="notice notice-good" role="status">
          <strong>{added.name}</strong> is registered. Next: <Link to="/projects">create a project</Link> to send its errors to Mender, or{' '}
          <Link to="/operations/new">start an operation</Link> on it.
          {added.warnings.map((warning) => (
            <p key={warning} className="small">
              {warning}
            </p>
          ))}
        </div>
      ) : null}
      {isAdmin ? (
        <RepositoryForm
          onRegistered={(repo) => {
            setAdded(repo);
            reload();
          }}
        />
      ) : null}
      <ErrorNotice error={error} title="The repositories could not be loaded" onRetry={reload} />
      {loading && !data ? <Loading what="the repositories" /> : null}
      {data && repos.length === 0 ? (
        <EmptyState>
          <p>No repository is registered yet.</p>
          <p className="muted">
            {isAdmin
              ? 'Add one above: the path of a git checkout on this machine, or a remote URL. Mender finds its test, type-check and lint commands in package.json.'
              : 'An admin adds repositories here (or with npx mender repo add PATH); then operations can be started on them.'}
          </p>
        </EmptyState>
      ) : null}
      {repos.length > 0 ? (
        <section aria-labelledby="registered-repositories">
          <h2 id="registered-repositories">Registered ({repos.length})</h2>
          <ul className="setup-list">
            {repos.map((repo) => (
              <RepositoryCard key={repo.id} repo={repo} />
            ))}
          </ul>
        </section>
      ) : null}
    </section>
  );
}
