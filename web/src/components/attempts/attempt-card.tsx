import type { AttemptEvidence } from '../../../../src/server/api-types.ts';
import { FailingTest } from '../evidence/failing-test.tsx';
import { attemptReason } from './attempt-reason.ts';
import { OutputExcerpt } from './output-excerpt.tsx';

/** The tests that made the attempt fail: new failures and red tests still failing, else every failure green reported. */
function failingTestsOf(attempt: AttemptEvidence) {
  const failures = attempt.green.run?.failures ?? [];
  const blamed = new Set([...attempt.green.newFailures, ...attempt.green.stillFailing]);
  const shown = failures.filter((failure) => blamed.has(failure.id));
  return shown.length ? shown : attempt.green.status === 'failed' ? failures : [];
}

/** One attempt: verified or not, why in plain words, its failing tests with their assertions, and the output's end. */
export function AttemptCard({ attempt, of }: { attempt: AttemptEvidence; of: number }) {
  const failing = attempt.verified ? [] : failingTestsOf(attempt);
  const headingId = `attempt-${attempt.attempt}-heading`;
  return (
    <li className="attempt" data-testid="attempt" data-attempt={attempt.attempt} aria-labelledby={headingId}>
      <h3 id={headingId}>
        Attempt {attempt.attempt} of {of}:{' '}
        <span className={attempt.verified ? 'count-pass' : 'count-fail'}>{attempt.verified ? 'verified' : 'did not verify'}</span>
      </h3>
      <ul className="plain-list" data-testid="attempt-reason">
        {attemptReason(attempt).map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
      {failing.length ? (
        <>
          <h4>Failing tests</h4>
          <ul className="plain-list">
            {failing.map((failure) => (
              <FailingTest key={failure.id} failure={failure} />
            ))}
          </ul>
        </>
      ) : null}
      {attempt.verified ? null : <OutputExcerpt output={attempt.green.run?.outputTail ?? attempt.red.run?.outputTail} label="End of the test output" />}
    </li>
  );
}
