import type { SelfRevertCause, SelfUpdate, SelfVersion } from '../domain/self-update-vocabulary.ts';

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

/** A version on trial: serving, not yet blessed; what the supervisor saw of it, mirrored on its update record. */
export class Trial {
  private readonly exits: number[] = [];
  private healthySince: number | undefined = Date.now();
  private failedHealthInARow = 0;

  constructor(
    readonly update: SelfUpdate,
    readonly version: SelfVersion,
    private readonly rules: TrialRules,
  ) {}

  health(healthy: boolean, now = Date.now()): void {
    this.failedHealthInARow = healthy ? 0 : this.failedHealthInARow + 1;
    this.healthySince = healthy ? (this.healthySince ?? now) : undefined;
    this.update.probation.healthySince = this.healthySince === undefined ? undefined : new Date(this.healthySince).toISOString();
  }

  exited(at = Date.now()): void {
    this.exits.push(at);
    this.update.probation.exits.push(new Date(at).toISOString());
  }

  stepCompleted(): void {
    this.update.probation.stepCompleted = true;
  }

  /** How long it has been healthy (0 while /health fails). */
  healthyForMs(now = Date.now()): number {
    return this.healthySince === undefined ? 0 : now - this.healthySince;
  }

  verdict(justExited: boolean, now = Date.now()): TrialVerdict {
    return judgeTrial(
      this.rules,
      {
        now,
        switchedAt: Date.parse(this.update.switchedAt!),
        healthySince: this.healthySince,
        failedHealthInARow: this.failedHealthInARow,
        exits: this.exits,
        stepCompleted: this.update.probation.stepCompleted,
      },
      justExited,
    );
  }
}
