import type { OperationSummary } from '../../../src/server/api-types.ts';
import { RelativeTime, useNow } from './relative-time.tsx';
import { Link } from '../routing/link.tsx';
import { StatusBadge } from './status-badge.tsx';
import { isHeld, useAgentStatus } from '../live/use-agent-pause.ts';
import { absoluteTime, duration } from '../format/time.ts';
import { money } from '../format/numbers.ts';
import type { OperationSort } from '../format/operation-sort.ts';

interface OperationTableProps {
  operations: OperationSummary[];
  /** How the rows are sorted, in words (the caption) and as the API's key (the column's aria-sort). */
  sortLabel: string;
  sortedBy: Pick<OperationSort, 'sort' | 'order'>;
}

/**
 * Operations as rows with a one-line title, status and why, risk, size, duration, cost and age;
 * on a phone each row is two lines (title and status; repository, age, size, cost).
 */
export function OperationTable({ operations, sortLabel, sortedBy }: OperationTableProps) {
  const agent = useAgentStatus();
  const now = useNow();
  const ariaSort = (key: OperationSort['sort']) => (sortedBy.sort === key ? (sortedBy.order === 'asc' ? 'ascending' : 'descending') : undefined);
  return (
    <div className="table-scroll">
      <table className="operations-table responsive-table">
        <caption className="visually-hidden">Operations, {sortLabel.toLowerCase()}</caption>
        <thead>
          <tr>
            <th scope="col">Operation</th>
            <th scope="col" aria-sort={ariaSort('status')}>
              Status
            </th>
            <th scope="col">Repository</th>
            <th scope="col" aria-sort={ariaSort('risk')}>
              Risk
            </th>
            <th scope="col" className="numeric">
              Size
            </th>
            <th scope="col" className="numeric" aria-sort={ariaSort('duration')}>
              Duration
            </th>
            <th scope="col" className="numeric">
              Cost
            </th>
            <th scope="col" className="numeric" aria-sort={ariaSort('age')}>
              Age
            </th>
          </tr>
        </thead>
        <tbody>
          {operations.map((operation) => {
            const held = isHeld(operation.status, agent);
            const reason = held ? 'Mender is paused: no step starts until an admin resumes it' : operation.statusReason;
            return (
              <tr key={operation.id} data-operation-id={operation.id}>
                <td className="operation-cell" data-label="Operation">
                  <Link to={`/operations/${operation.id}`} className="operation-link" title={operation.description}>
                    <span className="operation-title">{operation.title}</span>
                  </Link>
                  <span className="operation-meta muted small">
                    <span className="mono">{operation.id}</span> · {operation.type} · {operation.source}
                  </span>
                </td>
                <td className="status-cell" data-label="Status">
                  <StatusBadge status={operation.status} />
                  {held ? (
                    <span className="badge tone-waiting held-badge" title="Mender is paused: no step starts until an admin resumes it">
                      held
                    </span>
                  ) : null}
                  {reason ? (
                    <span className="status-reason muted small" title={operation.failureReason ?? reason}>
                      {reason}
                    </span>
                  ) : null}
                </td>
                <td className="repo-cell" data-label="Repository">
                  {operation.repo}
                </td>
                <td className="risk-cell" data-label="Risk">
                  {operation.riskLevel ?? <span className="muted">—</span>}
                </td>
                <td className="numeric size-cell" data-label="Size">
                  <SizeText size={operation.size} />
                </td>
                <td className="numeric duration-cell" data-label="Duration">
                  <DurationText operation={operation} now={now} />
                </td>
                <td className="numeric cost-cell" data-label="Cost">
                  <CostText cost={operation.cost} tokens={operation.tokens} />
                </td>
                <td className="numeric age-cell" data-label="Age">
                  <RelativeTime at={operation.createdAt} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function SizeText({ size }: { size: OperationSummary['size'] }) {
  if (!size) return <span className="muted">—</span>;
  const files = `${size.files} ${size.files === 1 ? 'file' : 'files'}`;
  return (
    <span title={`${size.insertions} lines added and ${size.deletions} removed in ${files}`}>
      <span className="added">+{size.insertions}</span> <span className="removed">−{size.deletions}</span> <span className="muted size-files">in {files}</span>
    </span>
  );
}

/** Created to ended, or to now while it runs (then it grows on the page's timer). */
function DurationText({ operation, now }: { operation: OperationSummary; now: number }) {
  const end = operation.endedAt ? Date.parse(operation.endedAt) : now;
  const span = `from ${absoluteTime(operation.createdAt)} to ${operation.endedAt ? absoluteTime(operation.endedAt) : 'now (still running)'}`;
  return <span title={span}>{duration(Math.max(0, end - Date.parse(operation.createdAt)))}</span>;
}

/** Dollars from the price table; without a price for its models, the tokens it used. */
function CostText({ cost, tokens }: { cost: number; tokens: number }) {
  if (cost > 0) return <span title={`model cost from the price table; ${tokens.toLocaleString()} tokens`}>{money(cost)}</span>;
  if (tokens > 0)
    return (
      <span title="no price is set for its models (MENDER_MODEL_PRICES): tokens used">{tokens >= 1000 ? `${(tokens / 1000).toFixed(1)}k` : tokens} tok</span>
    );
  return <span className="muted">—</span>;
}
