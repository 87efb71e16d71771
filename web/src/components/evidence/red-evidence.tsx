import type { RedEvidence } from '../../../../src/server/api-types.ts';
import { duration } from '../../format/time.ts';
import { ChainSteps } from './chain-steps.tsx';

const redLabels: Record<string, string> = {
  confirmed: 'red confirmed: the new test fails on the old code',
  missing: 'no new test',
  not_failing: 'the new test does not fail on the old code',
  skipped: 'skipped',
};

/** What red ran: the new tests alone (timed beside the full suite), or the whole suite and why. */
function RedScope({ red, baselineMs }: { red: RedEvidence; baselineMs: number | undefined }) {
  const run = red.run;
  if (!run) return null;
  const fullSuiteMs = red.fullSuiteMs ?? baselineMs;
  const beside = fullSuiteMs === undefined ? '' : `, full suite ${duration(fullSuiteMs)} at baseline`;
  return (
    <p className="small" data-testid="red-scope">
      Ran{' '}
      {red.scope === 'changed-tests' ? (
        <>
          the new tests only: <code>{run.command}</code> — {duration(run.durationMs)}
          {beside}
        </>
      ) : red.scope === 'full-suite' ? (
        <>
          the whole suite: {red.scopeReason ?? 'the new tests could not be run on their own'} — {duration(run.durationMs)}
        </>
      ) : (
        <>
          <code>{run.command}</code> · {run.passed} passed · {run.failed} failed · {duration(run.durationMs)}
          {beside}
        </>
      )}
    </p>
  );
}

/** Red: the new tests against the old code, named per step of the chain with their messages. */
export function RedEvidenceView({ red, baselineMs }: { red: RedEvidence; baselineMs: number | undefined }) {
  const newlyFailing = new Set(red.newlyFailing);
  const failures = red.run?.failures ?? [];
  const redTests = failures.filter((failure) => newlyFailing.has(failure.id));
  // The run keeps at most 50 failures: a red test beyond them is still named.
  const unrecorded = red.newlyFailing.filter((id) => !redTests.some((failure) => failure.id === id));
  const failingBefore = failures.length - redTests.length;
  return (
    <div data-testid="red-evidence">
      <span className={red.status === 'confirmed' ? 'count-fail' : ''}>{redLabels[red.status] ?? red.status}</span>
      <RedScope red={red} baselineMs={baselineMs} />
      {red.run ? <ChainSteps run={red.run} failures={[...redTests, ...unrecorded.map((id) => ({ id }))]} /> : null}
      {failingBefore > 0 ? <p className="muted small">{failingBefore} failing before any change, not counted as red</p> : null}
    </div>
  );
}
