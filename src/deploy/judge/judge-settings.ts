// The judge's settings as data, with the defaults and why each is what it is. The figures behind
// the defaults are in docs/deploy.md ("The judge"), measured by bench/canary.ts.

export interface JudgeSettings {
  /** How long the canary is watched before it may be promoted, ms. Default 10 min (staging). */
  watchMs: number;
  /** Requests the new release must have served by the end of the watch to be promoted. Default 200: below it a 1 % error rate is 2 errors, indistinguishable from 0. */
  minNewRequests: number;
  /** Consecutive failed health checks of the new release that roll back at once. Default 3. */
  healthFailuresToRollBack: number;
  /** A fingerprint seen only in the new release rolls back once it has this many events… Default 3. */
  newFingerprintEvents: number;
  /** …from at least this many distinct users (one user retrying is not an outage). Default 3. */
  newFingerprintUsers: number;
  errorRate: {
    /** Roll back only when the new rate is at least (1 + this) times stable's. Default 0.2 (20 %): a 10 % rise is not worth a revert. */
    relativeMargin: number;
    /** Level of the sequential test: bound on ever rolling back a release that is not worse, however many looks. Default 0.05; with 10 looks the bench measures ~0.1 %. */
    alpha: number;
    /** Effect size (as a proportion) the mixture is tuned to find fastest. Default 0.02 (2 points): 0.01 detected fewer 1.5x regressions in the bench, 0.03 no more. */
    mixtureSd: number;
    /** Absolute floor: new rate − stable rate must be at least this. Default 0.01 (1 percentage point). */
    absoluteFloor: number;
    /** Absolute floor: the new release must have at least this many 5xx. Default 5, so 1 vs 0 never rolls back. */
    minNewErrors: number;
    /**
     * Level of the "not worse" bound at promotion: promotion needs the always-valid upper bound of
     * new − stable below max(absoluteFloor, relativeMargin · stable rate), i.e. a regression as
     * large as one that would roll back is ruled out. Default 0.2: a wrong promotion is still
     * watched after (monitoring) and revertible; at 2 points of margin instead, the bench promoted
     * 45 % of 1.5x regressions from a 2 % base.
     */
    promoteAlpha: number;
  };
  latency: {
    /** Which percentile is compared. Default 0.95. */
    percentile: number;
    /** New over stable at or above this ratio fails an interval. Default 1.5: at 2x a release exactly 2x slower is a coin flip per interval (the bench promoted 1 % of them); at 1.3x healthy canaries at 2 req/s began to fail. */
    ratio: number;
    /** Samples each side needs in an interval for it to be judged at all. Default 100. */
    minSamples: number;
    /** Consecutive failing intervals that roll back. Default 2: one slow minute (a cold cache) is not a regression. */
    consecutiveIntervals: number;
  };
}

export const defaultJudgeSettings: JudgeSettings = {
  watchMs: 10 * 60_000,
  minNewRequests: 200,
  healthFailuresToRollBack: 3,
  newFingerprintEvents: 3,
  newFingerprintUsers: 3,
  errorRate: { relativeMargin: 0.2, alpha: 0.05, mixtureSd: 0.02, absoluteFloor: 0.01, minNewErrors: 5, promoteAlpha: 0.2 },
  latency: { percentile: 0.95, ratio: 1.5, minSamples: 100, consecutiveIntervals: 2 },
};

/** The defaults with some settings replaced (one level deep for the groups). */
export function judgeSettings(
  overrides: Partial<Omit<JudgeSettings, 'errorRate' | 'latency'>> & {
    errorRate?: Partial<JudgeSettings['errorRate']>;
    latency?: Partial<JudgeSettings['latency']>;
  } = {},
): JudgeSettings {
  return {
    ...defaultJudgeSettings,
    ...overrides,
    errorRate: { ...defaultJudgeSettings.errorRate, ...overrides.errorRate },
    latency: { ...defaultJudgeSettings.latency, ...overrides.latency },
  };
}
