import type { OperationEvidence } from '../../../src/server/api-types.ts';
import { BaselineEvidenceView } from './evidence/baseline-evidence.tsx';
import { GreenEvidenceView } from './evidence/green-evidence.tsx';
import { RedEvidenceView } from './evidence/red-evidence.tsx';
import { missingProof } from './attempts/missing-proof.ts';

/** Red before, green after, the whole suite and the checks: what the pipeline proved. With `status`, a stopped operation says why red and green are missing. */
export function EvidenceView({ evidence, status }: { evidence: OperationEvidence; status?: string }) {
  const { baseline, red, green, checks } = evidence;
  const attempts = evidence.attempts ?? [];
  const missing = missingProof(evidence, status);
  if (!baseline && !red && !green && attempts.length === 0)
    return <p className="muted">{missing === 'not yet' ? 'No test evidence yet; it appears as the change is verified.' : `No test evidence: ${missing}.`}</p>;
  return (
    <div className="evidence" data-testid="evidence">
      <dl className="facts">
        <dt>Baseline (before any change)</dt>
        <dd>{baseline ? <BaselineEvidenceView baseline={baseline} diagnosis={evidence.baselineDiagnosis} /> : <span className="muted">not recorded</span>}</dd>
        <dt>
          <span className="badge tone-bad">Red</span> before the fix
        </dt>
        <dd>{red ? <RedEvidenceView red={red} baselineMs={baseline?.durationMs} /> : <span className="muted">{missing}</span>}</dd>
        <dt>
          <span className="badge tone-good">Green</span> after, full suite
        </dt>
        <dd>{green ? <GreenEvidenceView green={green} /> : <span className="muted">{missing}</span>}</dd>
        {checks && Object.keys(checks).length ? (
          <>
            <dt>Checks</dt>
            <dd>
              <ul className="plain-list">
                {Object.entries(checks).map(([kind, check]) => (
                  <li key={kind}>
                    <strong>{kind}</strong>: <span className={check.status === 'failed' ? 'count-fail' : 'count-pass'}>{check.status}</span>{' '}
                    <code className="small">{check.command}</code>
                    {check.errors ? ` · ${check.errors} errors` : ''}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
      </dl>
      {evidence.flags?.length ? (
        <div className="notice notice-bad" role="note">
          <strong>Flags:</strong> {evidence.flags.join('; ')}
        </div>
      ) : null}
      {attempts.length > 1 ? (
        <details>
          <summary>All {attempts.length} attempts</summary>
          <ol className="plain-list small">
            {attempts.map((attempt) => (
              <li key={attempt.attempt}>
                Attempt {attempt.attempt}: {attempt.verified ? 'verified' : `not verified — ${attempt.reason}`}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </div>
  );
}
