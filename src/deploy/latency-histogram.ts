// The latency shape the proxy records into and the judge reads. Fixed, log-spaced bucket bounds
// (a quarter of a doubling apart, 1 ms to 65.5 s): every release and every interval uses the same
// bounds, so histograms add up by bucket and a percentile is off by at most one bucket's width
// (about 19 %), well inside the 2x ratio the latency rule looks for. Plain arrays: storable as JSON.

/** Upper bounds of the buckets in ms: 2^(k/4) for k = 0..64. A last, open bucket holds the rest. */
export const latencyBucketBoundsMs: readonly number[] = Array.from({ length: 65 }, (_, index) => 2 ** (index / 4));

/** `counts[i]` requests took at most `latencyBucketBoundsMs[i]` ms (and more than the bound before); the last entry counts the slower ones. */
export interface LatencyHistogram {
  counts: number[];
}

export function emptyHistogram(): LatencyHistogram {
  return { counts: new Array<number>(latencyBucketBoundsMs.length + 1).fill(0) };
}

/** Adds one request that took `ms` milliseconds. */
export function recordLatency(histogram: LatencyHistogram, ms: number): void {
  const bucket = bucketOf(ms);
  histogram.counts[bucket] = (histogram.counts[bucket] ?? 0) + 1;
}

function bucketOf(ms: number): number {
  if (!(ms > 1)) return 0;
  // Exact bound values land in their own bucket: 4·log2 is an integer there.
  const index = Math.ceil(4 * Math.log2(ms) - 1e-9);
  return Math.min(index, latencyBucketBoundsMs.length);
}

export function histogramCount(histogram: LatencyHistogram): number {
  return histogram.counts.reduce((sum, count) => sum + count, 0);
}

/** `later − earlier`, bucket by bucket: what was recorded between two cumulative readings (the proxy's metrics). */
export function subtractHistograms(later: LatencyHistogram, earlier: LatencyHistogram): LatencyHistogram {
  return { counts: later.counts.map((count, index) => count - (earlier.counts[index] ?? 0)) };
}

export function mergeHistograms(histograms: readonly LatencyHistogram[]): LatencyHistogram {
  const merged = emptyHistogram();
  for (const histogram of histograms) histogram.counts.forEach((count, index) => (merged.counts[index] = (merged.counts[index] ?? 0) + count));
  return merged;
}

/**
 * The latency in ms below which a fraction `p` (0–1) of the requests lie, interpolated
 * geometrically inside the bucket (the buckets are log-spaced); undefined for an empty histogram.
 * The open last bucket answers with its lower bound: "at least this slow".
 */
export function percentile(histogram: LatencyHistogram, p: number): number | undefined {
  const total = histogramCount(histogram);
  if (total === 0) return undefined;
  const rank = Math.min(total, Math.max(1, Math.ceil(p * total)));
  let below = 0;
  for (let index = 0; index < histogram.counts.length; index++) {
    const count = histogram.counts[index] ?? 0;
    if (count > 0 && below + count >= rank) {
      const upper = latencyBucketBoundsMs[index];
      if (upper === undefined) return latencyBucketBoundsMs[latencyBucketBoundsMs.length - 1];
      const lower = index === 0 ? 0 : latencyBucketBoundsMs[index - 1]!;
      const share = (rank - below) / count;
      return index === 0 ? upper * share : lower * (upper / lower) ** share;
    }
    below += count;
  }
  return undefined;
}
