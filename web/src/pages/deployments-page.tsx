import { api } from '../api/api-client.ts';
import type { DeploymentSummaryView } from '../../../src/domain/deployment-vocabulary.ts';
import { deploymentStatuses } from '../format/deployment.ts';
import { statusLabel } from '../format/status.ts';
import { useLiveResource } from '../live/use-live-resource.ts';
import { useQuery, useRouter } from '../routing/router.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { Loading } from '../components/loading.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { useRepos } from '../components/use-repos.ts';
import { DeploymentTable } from '../components/deployment/deployment-table.tsx';
import { DeploymentsNotConfigured } from '../components/deployment/deployments-not-configured.tsx';

const filterKeys = ['repo', 'status'] as const;

/** Environments in the order their latest deployment happened (the list comes newest first). */
function byEnvironment(deployments: DeploymentSummaryView[]): [string, DeploymentSummaryView[]][] {
  const groups = new Map<string, DeploymentSummaryView[]>();
  for (const deployment of deployments) {
    const group = groups.get(deployment.environment) ?? [];
    group.push(deployment);
    groups.set(deployment.environment, group);
  }
  return [...groups.entries()];
}

/** Every deployment grouped by environment, filtered by the query string, reloaded on `deployment.*` events. */
export function DeploymentsPage() {
  const query = useQuery();
  const { navigate } = useRouter();
  const { repos } = useRepos();
  const parameters = new URLSearchParams();
  for (const key of filterKeys) {
    const value = query.get(key);
    if (value) parameters.set(key, value);
  }
  const { data, error, loading, reload } = useLiveResource(
    () => api.get<{ deployments: DeploymentSummaryView[] }>(`/api/deployments${parameters.size ? `?${parameters.toString()}` : ''}`),
    parameters.toString(),
    (event) => event.type.startsWith('deployment.'),
  );
  const set = (key: (typeof filterKeys)[number], value: string) => {
    const next = new URLSearchParams(query);
    if (value) next.set(key, value);
    else next.delete(key);
    navigate(`/deployments${next.size ? `?${next.toString()}` : ''}`, { replace: true });
  };
  // No deployments API on this server: say so calmly, as the Issues page does without detection.
  if (error?.status === 404 && !data) {
    return (
      <section>
        <PageHeader title="Deployments" />
        <DeploymentsNotConfigured />
      </section>
    );
  }
  const groups = byEnvironment(data?.deployments ?? []);
  const filtered = parameters.size > 0;
  return (
    <section>
      <PageHeader title="Deployments" subtitle="Merged changes shipped to each environment, judged against the release they replace." />
      {/* Nothing deployed yet and no filter set: nothing to filter either. */}
      {!data || groups.length > 0 || filtered ? (
        <form className="filters" role="search" aria-label="Filter deployments" onSubmit={(event) => event.preventDefault()}>
          <label className="filter">
            Repository
            <select name="repo" value={query.get('repo') ?? ''} onChange={(event) => set('repo', event.target.value)}>
              <option value="">any</option>
              {repos.map((repo) => (
                <option key={repo.name} value={repo.name}>
                  {repo.name}
                </option>
              ))}
            </select>
          </label>
          <label className="filter">
            Status
            <select name="status" value={query.get('status') ?? ''} onChange={(event) => set('status', event.target.value)}>
              <option value="">any</option>
              {deploymentStatuses.map((status) => (
                <option key={status} value={status}>
                  {statusLabel(status)}
                </option>
              ))}
            </select>
          </label>
          {filtered ? (
            <button type="button" className="button subtle" onClick={() => navigate('/deployments', { replace: true })}>
              Clear filters
            </button>
          ) : null}
        </form>
      ) : null}
      <ErrorNotice error={error} title="The deployments could not be loaded" onRetry={reload} />
      {loading && !data ? <Loading what="deployments" /> : null}
      {data && groups.length === 0 ? filtered ? <EmptyState>No deployment matches.</EmptyState> : <DeploymentsNotConfigured /> : null}
      {groups.map(([environment, deployments]) => (
        <section key={environment} className="environment-group" aria-labelledby={`environment-${environment}`} data-environment={environment}>
          <h2 id={`environment-${environment}`}>{environment}</h2>
          <DeploymentTable deployments={deployments} />
        </section>
      ))}
    </section>
  );
}
