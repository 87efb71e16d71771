import { expect, it } from 'vitest';
import { describePageWeight, measurePageWeight, pageWeightBudgetBytes } from '../../scripts/web-build.ts';

// The dashboard is built by the global setup when stale; this holds its scripts to the budget.
it('keeps the dashboard’s gzipped JS within its budget', () => {
  const weight = measurePageWeight();
  console.log(describePageWeight(weight));
  expect(weight.files).toBeGreaterThan(0);
  expect(weight.jsGzipBytes).toBeLessThan(pageWeightBudgetBytes);
});
