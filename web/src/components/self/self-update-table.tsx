import type { SelfUpdate } from '../../../../src/domain/self-update-vocabulary.ts';
import { shortCommit } from '../../format/deployment.ts';
import { duration } from '../../format/time.ts';
import { Link } from '../../routing/link.tsx';
import { RelativeTime } from '../relative-time.tsx';
import { SelfPhaseBadge } from './self-phase-badge.tsx';

function timings(update: SelfUpdate): string {
  const parts: [string, number | undefined][] = [
    ['prepare', update.timings.prepareMs],
    ['handover', update.timings.handoverMs],
    ['request to serving', update.timings.requestToServingMs],
    ['fault to serving', update.timings.faultToServingMs],
  ];
  const known = parts.filter((part): part is [string, number] => part[1] !== undefined);
  return known.length ? known.map(([name, value]) => `${name} ${duration(value)}`).join(', ') : '—';
}

/** Self-updates, newest first, as rows on a wide screen and cards on a phone. */
export function SelfUpdateTable({ updates }: { updates: SelfUpdate[] }) {
  return (
    <div className="table-scroll">
      <table className="operations-table responsive-table">
        <thead>
          <tr>
            <th scope="col">Commit</th>
            <th scope="col">Phase</th>
            <th scope="col">Operation</th>
            <th scope="col">Requested</th>
            <th scope="col">Why</th>
            <th scope="col">Timings</th>
          </tr>
        </thead>
        <tbody>
          {updates.map((update) => (
            <tr key={update.id} data-self-update-id={update.id}>
              <td data-label="Commit">
                {/* One child per cell: on a phone each cell is a two-column grid (label, value). */}
                <span>
                  <span className="mono">{shortCommit(update.commit)}</span>
                  <span className="muted small"> after {shortCommit(update.previousCommit)}</span>
                </span>
              </td>
              <td data-label="Phase">
                <span>
                  <SelfPhaseBadge phase={update.phase} />
                  {update.restoredBackup ? <span className="muted small"> database restored</span> : null}
                </span>
              </td>
              <td data-label="Operation">
                {update.operationId ? (
                  <Link to={`/operations/${update.operationId}`} className="operation-link mono">
                    {update.operationId}
                  </Link>
                ) : (
                  <span className="muted">by hand</span>
                )}
              </td>
              <td data-label="Requested">
                <span>
                  <RelativeTime at={update.requestedAt} /> <span className="muted small">by {update.requestedBy}</span>
                </span>
              </td>
              <td data-label="Why" data-testid="self-update-reason">
                {update.cause || update.reason ? (
                  <span>
                    {update.cause ? <span className="badge tone-neutral">{update.cause.replace(/_/g, ' ')}</span> : null} {update.reason ?? ''}
                  </span>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td data-label="Timings" className="small">
                {timings(update)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
