import type { NeedsYouEntry, RunningOperation } from '../../../src/server/api-types.ts';
import { Link } from '../routing/link.tsx';
import { EmptyState } from './empty-state.tsx';
import { LevelBadge } from './level-badge.tsx';
import { RelativeTime } from './relative-time.tsx';
import { StatusBadge } from './status-badge.tsx';

function DiffSize({ diff }: { diff: NeedsYouEntry['diff'] }) {
  if (!diff) return <span className="muted">no change yet</span>;
  return (
    <span aria-label={`${diff.insertions} lines added, ${diff.deletions} removed in ${diff.files} files`}>
      <span className="lines-added">+{diff.insertions}</span> <span className="lines-removed">−{diff.deletions}</span>
      <span className="muted"> in {diff.files} files</span>
    </span>
  );
}

/** Every gate waiting for a person: the ones this person may decide, then the others with who can. */
export function NeedsYouList({ entries }: { entries: NeedsYouEntry[] }) {
  const yours = entries.filter((entry) => entry.forYou);
  const others = entries.filter((entry) => !entry.forYou);
  return (
    <section className="card needs-you" aria-labelledby="needs-you-heading" data-testid="needs-you">
      <h2 id="needs-you-heading">Needs you{yours.length ? <span className="count-badge">{yours.length}</span> : null}</h2>
      {yours.length === 0 ? <EmptyState>Nothing waits for you.</EmptyState> : <GateList entries={yours} />}
      {others.length ? (
        <>
          <h3 className="small">Waiting for someone else</h3>
          <GateList entries={others} />
        </>
      ) : null}
    </section>
  );
}

function GateList({ entries }: { entries: NeedsYouEntry[] }) {
  return (
    <ul className="gate-list">
      {entries.map((entry) => (
        <li key={`${entry.operationId}:${entry.gate}`} className="gate-row" data-operation-id={entry.operationId} data-for-you={entry.forYou}>
          <div className="gate-main">
            <strong className="gate-title">{entry.title}</strong>
            <span className="gate-facts small">
              <span className="badge tone-neutral">{entry.gate} gate</span> <LevelBadge level={entry.level} prefix="needs" />{' '}
              {entry.risk ? <LevelBadge level={entry.risk} prefix="risk" /> : null} <DiffSize diff={entry.diff} /> · {entry.repo} · waiting{' '}
              <RelativeTime at={entry.waitingSince} bare />
            </span>
            {entry.reason ? <span className="muted small">{entry.reason}</span> : null}
          </div>
          <Link to={`/operations/${entry.operationId}`} className="button" aria-label={`Review: ${entry.title}`}>
            Review
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** Operations a step works on (or that wait in the queue), with the step they are at. */
export function RunningOperations({ operations }: { operations: RunningOperation[] }) {
  return (
    <section className="card" aria-labelledby="running-heading" data-testid="running-operations">
      <h2 id="running-heading">Running</h2>
      {operations.length === 0 ? (
        <EmptyState>Nothing runs right now.</EmptyState>
      ) : (
        <ul className="gate-list">
          {operations.map((operation) => (
            <li key={operation.operationId} className="gate-row" data-operation-id={operation.operationId}>
              <div className="gate-main">
                <Link to={`/operations/${operation.operationId}`} className="operation-link">
                  {operation.title}
                </Link>
                <span className="gate-facts small">
                  <StatusBadge status={operation.status} /> {operation.type} in {operation.repo} · started <RelativeTime at={operation.createdAt} bare />
                </span>
                {operation.latest ? (
                  <span className="muted small" data-testid="latest-step">
                    <RelativeTime at={operation.latest.at} />: {operation.latest.summary}
                  </span>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
