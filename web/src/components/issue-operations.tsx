import type { DetectedIssueView } from '../../../src/server/api-types.ts';
import { Link } from '../routing/link.tsx';
import { StatusBadge } from './status-badge.tsx';

/** The operations started for an issue, with their status and type. */
export function IssueOperations({ operations }: { operations: DetectedIssueView['operations'] }) {
  if (!operations?.length) return <p className="muted">No operation yet.</p>;
  return (
    <ul className="plain-list">
      {operations.map((operation) => (
        <li key={operation.id}>
          <Link to={`/operations/${operation.id}`}>{operation.id}</Link> {operation.type ? <span className="muted">{operation.type}</span> : null}{' '}
          {operation.status ? <StatusBadge status={operation.status} /> : null}
        </li>
      ))}
    </ul>
  );
}
