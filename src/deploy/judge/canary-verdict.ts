// The judge's answer for one interval: a record meant to be stored as JSON on the deployment and
// shown as it is, so a person can see which rule fired and on how much data.

export type CanaryDecision = 'continue' | 'promote' | 'rollback' | 'inconclusive';

/** Which rule decided. The hard signals first, then the statistics, then the window. */
export type CanaryRule =
  | 'process_exited'
  | 'health_failing'
  | 'new_error_fingerprint'
  | 'error_rate'
  | 'latency'
  | 'watching'
  | 'too_little_data'
  | 'not_shown_not_worse'
  | 'watch_passed'
  | 'no_baseline';

export interface CanaryVerdict {
  decision: CanaryDecision;
  rule: CanaryRule;
  /** In words a person can act on. */
  reason: string;
  elapsedMs: number;
  intervals: number;
  /** `concurrent`: stable over the same intervals; `before`: stable's figures from before the deploy. */
  baseline: 'concurrent' | 'before' | 'none';
  samples: { newRequests: number; stableRequests: number; newErrors: number; stableErrors: number };
  errorRate: {
    newRate: number;
    stableRate: number;
    /** Likelihood ratio of the sequential test; rollback at ≥ 1/alpha. */
    likelihoodRatio: number;
    confidence: number;
    /** Always-valid upper bound of new − stable at the promotion level. */
    differenceUpperBound: number | null;
  };
  /** The latest interval's latency comparison, when it had samples on both sides. */
  latency?: { percentile: number; newMs: number; stableMs: number; ratio: number; newSamples: number; stableSamples: number; failingIntervals: number };
  fingerprint?: { fingerprint: string; events: number; users: number };
}
