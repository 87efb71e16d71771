import type { DeploymentSummaryView } from '../../../../src/domain/deployment-vocabulary.ts';
import type { TimelineEvent } from '../../../../src/server/api-types.ts';
import { api } from '../../api/api-client.ts';
import { shortCommit } from '../../format/deployment.ts';
import { useLiveResource } from '../../live/use-live-resource.ts';
import { Link } from '../../routing/link.tsx';
import { DeploymentStatusBadge } from './deployment-status-badge.tsx';

/**
 * The deployments that ship an operation's change: those the API lists for it, and any its
 * timeline names (`data.deploymentId`) that the list does not have (yet). Nothing when there are none.
 */
export function OperationDeployments({ operationId, timeline }: { operationId: string; timeline: TimelineEvent[] }) {
  const { data } = useLiveResource(
    () => api.get<{ deployments: DeploymentSummaryView[] }>(`/api/deployments?operation=${encodeURIComponent(operationId)}`),
    operationId,
    (event) => event.type.startsWith('deployment.') && event.operationId === operationId,
  );
  const listed = data?.deployments ?? [];
  const known = new Set(listed.map((deployment) => deployment.id));
  const named: string[] = [];
  for (const event of timeline) {
    const id = event.data?.deploymentId;
    if (typeof id === 'string' && !known.has(id) && !named.includes(id)) named.push(id);
  }
  if (listed.length === 0 && named.length === 0) return null;
  return (
    <section className="card" aria-labelledby="deployments-heading">
      <h2 id="deployments-heading">Deployments</h2>
      <ul className="plain-list" data-testid="operation-deployments">
        {listed.map((deployment) => (
          <li key={deployment.id} data-deployment-id={deployment.id}>
            <Link to={`/deployments/${deployment.id}`}>
              {deployment.environment} · <span className="mono">{shortCommit(deployment.commit)}</span>
            </Link>{' '}
            <DeploymentStatusBadge status={deployment.status} paused={deployment.paused} /> <span className="muted small">{deployment.trafficPercent} %</span>
          </li>
        ))}
        {named.map((id) => (
          <li key={id} data-deployment-id={id}>
            <Link to={`/deployments/${id}`}>
              deployment <span className="mono">{id}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
