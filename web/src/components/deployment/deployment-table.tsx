import type { DeploymentSummaryView } from '../../../../src/domain/deployment-vocabulary.ts';
import { shortCommit } from '../../format/deployment.ts';
import { Link } from '../../routing/link.tsx';
import { RelativeTime } from '../relative-time.tsx';
import { DeploymentStatusBadge } from './deployment-status-badge.tsx';
import { TrafficShare } from './traffic-share.tsx';

/** One environment's deployments, newest first, as rows on a wide screen and cards on a phone. */
export function DeploymentTable({ deployments }: { deployments: DeploymentSummaryView[] }) {
  return (
    <div className="table-scroll">
      <table className="operations-table responsive-table">
        <thead>
          <tr>
            <th scope="col">Deployment</th>
            <th scope="col">Status</th>
            <th scope="col">Repository</th>
            <th scope="col">Traffic</th>
            <th scope="col">Started</th>
            <th scope="col">Latest verdict</th>
          </tr>
        </thead>
        <tbody>
          {deployments.map((deployment) => (
            <tr key={deployment.id} data-deployment-id={deployment.id}>
              <td data-label="Deployment">
                {/* One child per cell: on a phone each cell is a two-column grid (label, value). */}
                <span>
                  <Link to={`/deployments/${deployment.id}`} className="operation-link mono">
                    {shortCommit(deployment.commit)}
                  </Link>
                  <span className="muted small"> {deployment.previousCommit ? `after ${shortCommit(deployment.previousCommit)}` : 'first release'}</span>
                </span>
              </td>
              <td data-label="Status">
                <span>
                  <DeploymentStatusBadge status={deployment.status} paused={deployment.paused} />
                </span>
              </td>
              <td data-label="Repository">{deployment.repo}</td>
              <td data-label="Traffic">
                <TrafficShare percent={deployment.trafficPercent} />
              </td>
              <td data-label="Started">
                <RelativeTime at={deployment.createdAt} />
              </td>
              <td data-label="Latest verdict" data-testid="verdict-reason">
                {deployment.verdict ? (
                  <span>
                    <span className="badge tone-neutral">{deployment.verdict.decision}</span> {deployment.verdict.reason}
                  </span>
                ) : (
                  <span className="muted">{deployment.reason ?? 'not judged yet'}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
