import type { DetectedIssue } from '../api/types.ts';
import { Link } from '../routing/link.tsx';
import { StatusBadge } from './status-badge.tsx';

/** The operations started for an issue (ids, or id with status and type). */
export function IssueOperations({ operations }: { operations: DetectedIssue['operations'] }) {
  if (!operations?.length) return <p className="muted">No operation yet.</p>;
  return (
    <ul className="plain-list">
      {operations.map((operation) => {
        const entry = typeof operation === 'string' ? { id: operation } : operation;
        return (
          <li key={entry.id}>
            <Link to={`/operations/${entry.id}`}>{entry.id}</Link> {entry.type ? <span className="muted">{entry.type}</span> : null}{' '}
            {entry.status ? <StatusBadge status={entry.status} /> : null}
          </li>
        );
      })}
    </ul>
  );
}
