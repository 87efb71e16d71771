import type { RiskAssessment } from '../../../src/server/api-types.ts';
import { LevelBadge } from './level-badge.tsx';

/** The risk level, the approval level it requires, and why. */
export function RiskView({ risk }: { risk: RiskAssessment | null }) {
  if (!risk) return <p className="muted">Assessed once the change is verified.</p>;
  return (
    <div data-testid="risk">
      <p className="badges">
        <LevelBadge level={risk.level} prefix="risk" /> <LevelBadge level={risk.requiredApproval} prefix="needs" />
        {risk.linesChanged !== undefined ? <span className="muted small"> {risk.linesChanged} lines changed</span> : null}
      </p>
      {risk.reasons.length ? (
        <ul className="plain-list small">
          {risk.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      ) : (
        <p className="muted small">No risk factors found.</p>
      )}
      {risk.categories?.length ? <p className="muted small">Categories: {risk.categories.join(', ')}</p> : null}
    </div>
  );
}
