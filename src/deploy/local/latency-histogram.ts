// Latency as counts in fixed, log-spaced buckets. Fixed bounds make histograms from different
// releases, intervals and proxy processes addable and subtractable bucket by bucket, which the
// judge needs to compare a canary with the stable release. The judge (src/deploy/judge/) may
// define its own type; this one is kept local to the proxy so the two can be unified at merge.

/** Upper bounds in ms of every bucket but the last; the last bucket holds everything slower (+inf). */
export const latencyBucketBoundsMs = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] as const;

export interface LatencyHistogram {
  /** `counts[i]` holds latencies ≤ `latencyBucketBoundsMs[i]` (and > the bound before); the last entry is +inf. */
  counts: number[];
  /** Sum of all recorded latencies in ms, for a mean. */
  sumMs: number;
}

export function createLatencyHistogram(): LatencyHistogram {
  return { counts: new Array<number>(latencyBucketBoundsMs.length + 1).fill(0), sumMs: 0 };
}

export function recordLatency(histogram: LatencyHistogram, latencyMs: number): void {
  let bucket = 0;
  while (bucket < latencyBucketBoundsMs.length && latencyMs > latencyBucketBoundsMs[bucket]!) bucket++;
  histogram.counts[bucket]! += 1;
  histogram.sumMs += latencyMs;
}

export const histogramCount = (histogram: LatencyHistogram): number => histogram.counts.reduce((sum, count) => sum + count, 0);

/** `later − earlier`, bucket by bucket: the latencies recorded between two readings of the same proxy. */
export function subtractHistograms(later: LatencyHistogram, earlier: LatencyHistogram): LatencyHistogram {
  return { counts: later.counts.map((count, bucket) => count - (earlier.counts[bucket] ?? 0)), sumMs: later.sumMs - earlier.sumMs };
}

/**
 * The upper bound of the bucket holding the `fraction` quantile: an estimate that errs slow, as
 * bucketed figures must. Infinity when it falls in the +inf bucket; NaN for an empty histogram.
 */
export function histogramQuantileMs(histogram: LatencyHistogram, fraction: number): number {
  const total = histogramCount(histogram);
  if (total === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(fraction * total));
  let seen = 0;
  for (let bucket = 0; bucket < histogram.counts.length; bucket++) {
    seen += histogram.counts[bucket]!;
    if (seen >= rank) return latencyBucketBoundsMs[bucket] ?? Number.POSITIVE_INFINITY;
  }
  return Number.POSITIVE_INFINITY;
}
