import type { AttemptEvidence } from '../../../../src/server/api-types.ts';
import { testName } from '../evidence/test-names.ts';

const checkNames: Record<string, string> = { typecheck: 'The typecheck', lint: 'The linter' };

function names(ids: string[]): string {
  const shown = ids.slice(0, 3).map(testName).join(', ');
  return ids.length > 3 ? `${shown} and ${ids.length - 3} more` : shown;
}

/**
 * Why an attempt did not verify, in plain words built from what the tests showed (not from
 * Mender's own wording for the coder); the recorded reason only when nothing more is known.
 */
export function attemptReason(attempt: AttemptEvidence): string[] {
  if (attempt.verified) return ['The new test failed before the change and the whole suite passes with it.'];
  const reasons: string[] = [];
  if (attempt.changedFiles.length === 0) return ['The coder changed no file.'];
  if (attempt.red.status === 'missing') reasons.push('No test shows the problem: the change adds or changes no test.');
  if (attempt.red.status === 'not_failing') reasons.push('The new test passes on the old code too, so it does not show the problem.');
  const stillFailing = attempt.green.stillFailing;
  if (stillFailing.length) reasons.push(`The new test still fails with the change, so the fix does not work yet: ${names(stillFailing)}.`);
  const regressions = attempt.green.newFailures.filter((id) => !stillFailing.includes(id));
  if (regressions.length) reasons.push(`${regressions.length} test(s) that passed before fail with the change: ${names(regressions)}.`);
  for (const [kind, check] of Object.entries(attempt.checks)) {
    if (check.status === 'failed') reasons.push(`${checkNames[kind] ?? kind} fails with ${check.errors} error(s).`);
  }
  if (reasons.length === 0) reasons.push(attempt.reason ? `${attempt.reason[0]?.toUpperCase()}${attempt.reason.slice(1)}.` : 'It did not verify.');
  return reasons;
}
