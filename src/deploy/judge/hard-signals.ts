// Signals that roll back at once, without statistics: each is rare in a healthy release and
// costly to wait on. A process exit or a health check failing three times in a row is an outage,
// not noise; a new error group hitting several users is a bug the stable release does not have.
import type { CanaryObservation, FingerprintCount } from './canary-observation.ts';
import type { CanaryRule } from './canary-verdict.ts';
import type { JudgeSettings } from './judge-settings.ts';

export interface HardSignal {
  rule: Extract<CanaryRule, 'process_exited' | 'health_failing' | 'new_error_fingerprint'>;
  reason: string;
  fingerprint?: FingerprintCount;
}

/** The longest run of failed health checks over all intervals, a run may span an interval boundary. */
export function longestFailingRun(observation: CanaryObservation): number {
  let longest = 0;
  let run = 0;
  for (const interval of observation.intervals) {
    for (const ok of interval.newRelease.healthChecks) {
      run = ok ? 0 : run + 1;
      longest = Math.max(longest, run);
    }
  }
  return longest;
}

/** A fingerprint of the new release the stable one never produced (now or before), with enough events and users. */
export function newFingerprint(observation: CanaryObservation, settings: JudgeSettings): FingerprintCount | undefined {
  const seenInStable = new Set([...observation.errors.stableRelease.map((count) => count.fingerprint), ...(observation.errors.knownBefore ?? [])]);
  return observation.errors.newRelease
    .filter((count) => !seenInStable.has(count.fingerprint))
    .filter((count) => count.events >= settings.newFingerprintEvents && count.users >= settings.newFingerprintUsers)
    .sort((left, right) => right.users - left.users || right.events - left.events)[0];
}

/** The first hard signal of the new release. A stable release that exits is not the new one's fault: the pipeline handles it, not the judge. */
export function findHardSignal(observation: CanaryObservation, settings: JudgeSettings): HardSignal | undefined {
  const exited = observation.intervals.find((interval) => interval.newRelease.exited)?.newRelease.exited;
  if (exited) {
    const how = exited.signal ? `signal ${exited.signal}` : `code ${exited.code ?? 'unknown'}`;
    return { rule: 'process_exited', reason: `the new release's process exited (${how})${exited.detail ? `: ${exited.detail}` : ''}` };
  }
  const run = longestFailingRun(observation);
  if (run >= settings.healthFailuresToRollBack) {
    return { rule: 'health_failing', reason: `the new release failed ${run} consecutive health checks (limit ${settings.healthFailuresToRollBack})` };
  }
  const fingerprint = newFingerprint(observation, settings);
  if (fingerprint) {
    return {
      rule: 'new_error_fingerprint',
      reason: `error ${fingerprint.fingerprint} is seen only in the new release: ${fingerprint.events} events from ${fingerprint.users} users`,
      fingerprint,
    };
  }
  return undefined;
}
