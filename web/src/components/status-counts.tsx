import { operationStatuses, statusLabel, statusTone } from '../format/status.ts';
import { Link } from '../routing/link.tsx';

/** Operations by status; each count links to the list filtered by it. */
export function StatusCounts({ counts }: { counts: Record<string, number> }) {
  const shown = operationStatuses.filter((status) => (counts[status] ?? 0) > 0);
  const total = Object.values(counts).reduce((sum, value) => sum + value, 0);
  return (
    <div className="card">
      <h2>Operations by status</h2>
      {shown.length === 0 ? (
        <p className="muted">
          No operations yet. <Link to="/operations/new">Start one</Link>.
        </p>
      ) : (
        <ul className="count-list" data-testid="status-counts">
          {shown.map((status) => (
            <li key={status}>
              <Link to={`/operations?status=${status}`} className={`count tone-${statusTone(status)}`}>
                <span className="count-number">{counts[status]}</span>
                <span className="count-label">{statusLabel(status)}</span>
              </Link>
            </li>
          ))}
          <li>
            <Link to="/operations" className="count">
              <span className="count-number">{total}</span>
              <span className="count-label">all</span>
            </Link>
          </li>
        </ul>
      )}
    </div>
  );
}
