import { describe, expect, it } from 'vitest';
import { emptyHistogram, histogramCount, latencyBucketBoundsMs, mergeHistograms, percentile, recordLatency, subtractHistograms } from './latency-histogram.ts';

const histogramOf = (values: number[]) => {
  const histogram = emptyHistogram();
  values.forEach((ms) => recordLatency(histogram, ms));
  return histogram;
};

describe('latency histogram', () => {
  it.each([
    [0, 0],
    [1, 0],
    [1.5, 3],
    [2, 4],
    [2.0001, 5],
    [1_000_000, latencyBucketBoundsMs.length],
  ])('puts %d ms in bucket %d', (ms, bucket) => {
    expect(histogramOf([ms]).counts[bucket]).toBe(1);
  });

  it('answers percentiles within one bucket width of the exact value', () => {
    const values = Array.from({ length: 1000 }, (_, index) => 10 + index);
    const histogram = histogramOf(values);
    for (const [p, exact] of [
      [0.5, 509],
      [0.95, 959],
      [0.99, 999],
    ] as const) {
      const estimate = percentile(histogram, p)!;
      expect(estimate / exact).toBeGreaterThan(1 / 1.19);
      expect(estimate / exact).toBeLessThan(1.19);
    }
  });

  it('has no percentile when empty, and says "at least the last bound" for the open bucket', () => {
    expect(percentile(emptyHistogram(), 0.95)).toBeUndefined();
    expect(percentile(histogramOf([120_000]), 0.95)).toBe(latencyBucketBoundsMs.at(-1));
  });

  it('adds histograms bucket by bucket and survives JSON', () => {
    const merged = mergeHistograms([histogramOf([5, 50]), histogramOf([500])]);
    expect(histogramCount(merged)).toBe(3);
    expect(JSON.parse(JSON.stringify(merged))).toEqual(merged);
    expect(percentile(merged, 1)).toBeGreaterThan(400);
  });

  it('subtracts two cumulative readings into the interval between them', () => {
    const earlier = histogramOf([3]);
    const later = structuredClone(earlier);
    recordLatency(later, 300);
    const interval = subtractHistograms(later, earlier);
    expect(histogramCount(interval)).toBe(1);
    expect(percentile(interval, 0.5)).toBeGreaterThan(256);
    expect(percentile(interval, 0.5)).toBeLessThanOrEqual(305);
  });
});
