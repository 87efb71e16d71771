// What the judge is given: per interval and per release, what the proxy counted, what the health
// checks saw and whether the process exited; and, so far in the canary, the error fingerprints
// Mender's Sentry-compatible ingest saw from each release. Time is input (`endsAtMs`): the judge
// reads no clock.
import type { LatencyHistogram } from '../latency-histogram.ts';

/** One release's traffic figures over a span of time. */
export interface TrafficFigures {
  requests: number;
  /** Responses with a 5xx status. */
  serverErrors: number;
  latency: LatencyHistogram;
}

export interface ReleaseInterval extends TrafficFigures {
  /** Health check results in the order they ran, true for ok. */
  healthChecks: boolean[];
  /** Set when the release's process exited (or crashed) in this interval. */
  exited?: { code: number | null; signal: string | null; detail?: string };
}

export interface CanaryInterval {
  /** Time since the canary started taking traffic, at the end of this interval, ms. */
  endsAtMs: number;
  newRelease: ReleaseInterval;
  /** The stable release over the same interval; absent for a target that cannot split traffic. */
  stableRelease?: ReleaseInterval;
}

/** One error group, since the canary started (distinct users over the whole span, not summed per interval). */
export interface FingerprintCount {
  fingerprint: string;
  events: number;
  users: number;
}

export interface CanaryObservation {
  intervals: CanaryInterval[];
  errors: {
    newRelease: FingerprintCount[];
    stableRelease: FingerprintCount[];
    /** Fingerprints the stable release produced before the deploy: not new, whatever the new release does. */
    knownBefore?: string[];
  };
  /**
   * The stable release's figures from the window before the deploy. Used as the baseline when the
   * intervals carry no stable figures (a target that cannot split traffic).
   */
  baselineFromBefore?: TrafficFigures;
}
