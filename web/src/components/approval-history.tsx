import type { ApprovalView } from '../../../src/server/api-types.ts';
import { RelativeTime } from './relative-time.tsx';
import { LevelBadge } from './level-badge.tsx';

export function ApprovalHistory({ approvals }: { approvals: ApprovalView[] }) {
  if (approvals.length === 0) return <p className="muted small">No gate reached yet.</p>;
  return (
    <ul className="plain-list small" data-testid="approvals">
      {approvals.map((approval) => (
        <li key={approval.id}>
          <strong>{approval.gate}</strong> gate · <LevelBadge level={approval.requiredLevel} /> ·{' '}
          {approval.decision ? (
            <>
              {approval.decision.replace(/_/g, ' ')} by {approval.decidedBy} <RelativeTime at={approval.decidedAt} />
              {approval.comment ? <div className="muted">“{approval.comment}”</div> : null}
            </>
          ) : (
            <span>
              waiting since <RelativeTime at={approval.requestedAt} />
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
