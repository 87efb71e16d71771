import { describe, expect, it } from 'vitest';
import { createLatencyHistogram, histogramCount, histogramQuantileMs, recordLatency, subtractHistograms } from './latency-histogram.ts';

describe('latency histogram', () => {
  it('puts a latency in the first bucket whose bound holds it, the slowest in +inf', () => {
    const histogram = createLatencyHistogram();
    for (const latency of [0.2, 1, 1.5, 49, 51, 9_000]) recordLatency(histogram, latency);
    expect(histogram.counts).toEqual([2, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1]);
    expect(histogramQuantileMs(histogram, 0.5)).toBe(2);
    expect(histogramQuantileMs(histogram, 1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('subtracts two readings into the interval between them', () => {
    const earlier = createLatencyHistogram();
    recordLatency(earlier, 3);
    const later = structuredClone(earlier);
    recordLatency(later, 300);
    const interval = subtractHistograms(later, earlier);
    expect(histogramCount(interval)).toBe(1);
    expect(histogramQuantileMs(interval, 0.5)).toBe(500);
  });
});
