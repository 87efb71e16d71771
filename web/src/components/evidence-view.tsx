import type { Evidence, RunSummary } from '../api/types.ts';
import { duration } from '../format/time.ts';

function RunLine({ run }: { run: RunSummary | undefined }) {
  if (!run) return <span className="muted">not run</span>;
  return (
    <span>
      <code>{run.command}</code> · <span className="count-pass">{run.passed} passed</span> ·{' '}
      <span className={run.failed ? 'count-fail' : ''}>{run.failed} failed</span> · {duration(run.durationMs)}
    </span>
  );
}

function Failures({ run, title }: { run: RunSummary | undefined; title: string }) {
  if (!run?.failures?.length) return null;
  return (
    <details>
      <summary>
        {title} ({run.failures.length})
      </summary>
      <ul className="plain-list small">
        {run.failures.map((failure) => (
          <li key={failure.id}>
            <span className="mono">{failure.id}</span>
            {failure.message ? <pre className="code-block small">{failure.message}</pre> : null}
          </li>
        ))}
      </ul>
    </details>
  );
}

const redLabels: Record<string, string> = {
  confirmed: 'red confirmed: the new test fails on the old code',
  missing: 'no new test',
  not_failing: 'the new test does not fail on the old code',
  skipped: 'skipped',
};

/** Red before, green after, the whole suite and the checks: what the pipeline proved. */
export function EvidenceView({ evidence }: { evidence: Evidence }) {
  const { baseline, red, green, checks } = evidence;
  const attempts = evidence.attempts ?? [];
  if (!baseline && !red && !green && attempts.length === 0) return <p className="muted">No test evidence yet; it appears as the change is verified.</p>;
  return (
    <div className="evidence" data-testid="evidence">
      <dl className="facts">
        <dt>Baseline (before any change)</dt>
        <dd>
          {baseline ? (
            <span>
              <code>{baseline.command || 'no test command'}</code> · {baseline.passed} passed · {baseline.failed} failed · {duration(baseline.durationMs)}
            </span>
          ) : (
            <span className="muted">not recorded</span>
          )}
        </dd>
        <dt>
          <span className="badge tone-bad">Red</span> before the fix
        </dt>
        <dd>
          {red ? (
            <>
              <span className={red.status === 'confirmed' ? 'count-fail' : ''}>{redLabels[red.status] ?? red.status}</span>
              {red.newlyFailing.length ? (
                <ul className="plain-list small mono">
                  {red.newlyFailing.map((id) => (
                    <li key={id}>✗ {id}</li>
                  ))}
                </ul>
              ) : null}
              <div className="small">
                <RunLine run={red.run} />
              </div>
            </>
          ) : (
            <span className="muted">not yet</span>
          )}
        </dd>
        <dt>
          <span className="badge tone-good">Green</span> after, full suite
        </dt>
        <dd>
          {green ? (
            <>
              <span className={green.status === 'passed' ? 'count-pass' : 'count-fail'}>
                {green.status === 'passed' ? 'passed: every red test passes and nothing that passed before fails' : 'failed'}
              </span>
              <div className="small">
                <RunLine run={green.run} />
              </div>
              {green.newFailures.length ? <p className="count-fail small">Newly failing: {green.newFailures.join(', ')}</p> : null}
              {green.stillFailing.length ? <p className="count-fail small">Still failing: {green.stillFailing.join(', ')}</p> : null}
              <Failures run={green.run} title="Failures" />
            </>
          ) : (
            <span className="muted">not yet</span>
          )}
        </dd>
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
