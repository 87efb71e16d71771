import type { SelfRevertCause } from '../domain/self-update-vocabulary.ts';

export interface TrialRules {
  probationMs: number;
  crashLimit: number;
  crashWindowMs: number;
  healthFailures: number;
}

/** What the supervisor has seen of a version on trial since it took the traffic. */
export interface TrialFacts {
  now: number;
  /** When the version took the traffic. */
  switchedAt: number;
  /** Since when every /health answer was 200 (undefined: the last one failed). */
  healthySince: number | undefined;
  failedHealthInARow: number;
  /** Its exits since it took the traffic (ms timestamps). */
  exits: number[];
  stepCompleted: boolean;
}

export type TrialVerdict =
  { kind: 'bless' } | { kind: 'revert'; cause: SelfRevertCause; reason: string } | { kind: 'restart'; reason: string } | { kind: 'wait'; reason: string };

/**
 * Boot counting, as systemd does it: a version on trial is blessed only after it stayed healthy
 * for the probation time and ran an operation step; too many exits in the window, or /health
 * failing several times in a row, send it back; a single exit restarts it in place.
 */
export function judgeTrial(rules: TrialRules, facts: TrialFacts, justExited = false): TrialVerdict {
  const recentExits = facts.exits.filter((at) => facts.now - at <= rules.crashWindowMs);
  if (recentExits.length >= rules.crashLimit)
    return {
      kind: 'revert',
      cause: 'crash_in_probation',
      reason: `it exited ${recentExits.length} times within ${Math.round(rules.crashWindowMs / 1000)} s while on probation`,
    };
  if (justExited) return { kind: 'restart', reason: `it exited (${recentExits.length} of ${rules.crashLimit} allowed in the window); restarting it` };
  if (facts.failedHealthInARow >= rules.healthFailures)
    return { kind: 'revert', cause: 'health_failing', reason: `/health failed ${facts.failedHealthInARow} times in a row while on probation` };
  if (facts.healthySince === undefined) return { kind: 'wait', reason: '/health is failing' };
  const healthyFor = facts.now - facts.healthySince;
  if (healthyFor < rules.probationMs)
    return { kind: 'wait', reason: `healthy for ${Math.round(healthyFor / 1000)} s of ${Math.round(rules.probationMs / 1000)} s` };
  if (!facts.stepCompleted) return { kind: 'wait', reason: 'no operation step has run on it yet' };
  return { kind: 'bless' };
}
