import { describe, expect, it } from 'vitest';
import { errorRateDifferenceUpperBound, testErrorRate } from './error-rate-test.ts';

const settings = { mixtureSd: 0.02 };

describe('error-rate sequential test', () => {
  it.each([
    { name: 'new better than stable', sample: { newRequests: 1000, newErrors: 10, stableRequests: 1000, stableErrors: 30 }, rejectsAt: null },
    { name: 'equal rates', sample: { newRequests: 5000, newErrors: 50, stableRequests: 5000, stableErrors: 50 }, rejectsAt: null },
    { name: '1 error against 0', sample: { newRequests: 100, newErrors: 1, stableRequests: 100, stableErrors: 0 }, rejectsAt: null },
    { name: '6 % against 1 % of 1000', sample: { newRequests: 1000, newErrors: 60, stableRequests: 1000, stableErrors: 10 }, rejectsAt: 0.01 },
  ])('$name', ({ sample, rejectsAt }) => {
    const evidence = testErrorRate(sample, settings);
    if (rejectsAt === null) expect(evidence.likelihoodRatio).toBeLessThan(1 / 0.05);
    else expect(evidence.likelihoodRatio).toBeGreaterThanOrEqual(1 / rejectsAt);
    expect(evidence.confidence).toBeGreaterThanOrEqual(0);
    expect(evidence.confidence).toBeLessThan(1);
  });

  it('narrows the "not worse" bound as requests accumulate', () => {
    const bound = (requests: number) =>
      errorRateDifferenceUpperBound({ newRequests: requests, newErrors: requests / 100, stableRequests: requests, stableErrors: requests / 100 }, 0.2, 0.02);
    expect(bound(1000)).toBeGreaterThan(bound(10_000));
    expect(bound(10_000)).toBeLessThan(0.01);
    expect(errorRateDifferenceUpperBound({ newRequests: 0, newErrors: 0, stableRequests: 10, stableErrors: 0 }, 0.2, 0.02)).toBe(Infinity);
  });

  it('rejects equal releases rarely even when looked at every interval (always valid)', () => {
    // 400 A/A canaries of 10 looks at 1,000 requests a look, 5 % errors: a z-test at 95 % applied
    // at every look would reject ~20 % of them; the mixture test must stay under its alpha.
    let state = 42;
    const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    let rejected = 0;
    for (let run = 0; run < 400; run++) {
      const sample = { newRequests: 0, newErrors: 0, stableRequests: 0, stableErrors: 0 };
      for (let look = 0; look < 10; look++) {
        for (let request = 0; request < 1000; request++) {
          sample.newErrors += random() < 0.05 ? 1 : 0;
          sample.stableErrors += random() < 0.05 ? 1 : 0;
        }
        sample.newRequests += 1000;
        sample.stableRequests += 1000;
        if (testErrorRate(sample, settings).likelihoodRatio >= 1 / 0.05) {
          rejected++;
          break;
        }
      }
    }
    expect(rejected / 400).toBeLessThanOrEqual(0.05);
  });
});
