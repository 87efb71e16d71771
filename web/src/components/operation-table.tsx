import type { OperationSummary } from '../../../src/server/api-types.ts';
import { RelativeTime } from './relative-time.tsx';
import { Link } from '../routing/link.tsx';
import { StatusBadge } from './status-badge.tsx';
import { isHeld, useAgentStatus } from '../live/use-agent-pause.ts';

/** Operations as rows on a wide screen and as cards on a phone (the same markup, styled). */
export function OperationTable({ operations }: { operations: OperationSummary[] }) {
  const agent = useAgentStatus();
  return (
    <div className="table-scroll">
      <table className="operations-table responsive-table">
        <thead>
          <tr>
            <th scope="col">Operation</th>
            <th scope="col">Status</th>
            <th scope="col">Type</th>
            <th scope="col">Repository</th>
            <th scope="col">Source</th>
            <th scope="col">By</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {operations.map((operation) => (
            <tr key={operation.id} data-operation-id={operation.id}>
              <td data-label="Operation">
                <Link to={`/operations/${operation.id}`} className="operation-link">
                  <span className="operation-description">{operation.description}</span>
                </Link>
                <span className="muted small mono"> {operation.id}</span>
              </td>
              <td data-label="Status">
                <StatusBadge status={operation.status} />
                {isHeld(operation.status, agent) ? (
                  <span className="badge tone-waiting held-badge" title="Mender is paused: no step starts until an admin resumes it">
                    held
                  </span>
                ) : null}
              </td>
              <td data-label="Type">{operation.type}</td>
              <td data-label="Repository">{operation.repo}</td>
              <td data-label="Source">{operation.source}</td>
              <td data-label="By">{operation.createdBy}</td>
              <td data-label="Updated">
                <RelativeTime at={operation.updatedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
