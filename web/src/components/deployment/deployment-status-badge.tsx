import { deploymentTone } from '../../format/deployment.ts';
import { statusLabel } from '../../format/status.ts';

/** A deployment's status; `paused` is shown beside it, since a paused canary is still a canary. */
export function DeploymentStatusBadge({ status, paused }: { status: string; paused?: boolean }) {
  return (
    <>
      <span className={`badge tone-${deploymentTone(status)}`} data-deployment-status={status}>
        {statusLabel(status)}
      </span>
      {paused ? (
        <>
          {' '}
          <span className="badge tone-waiting" data-paused="true">
            paused
          </span>
        </>
      ) : null}
    </>
  );
}
