// The error-rate test: a mixture sequential probability ratio test (mSPRT; Robbins 1970, as used
// for always-valid A/B tests by Johari et al., "Always Valid Inference", 2017) on the difference of
// two proportions, in its normal approximation.
//
// Why this one: the judge looks at the data every interval and may keep watching when a window is
// inconclusive, so the number of looks is not fixed. A fixed-sample test (a z-test or the
// Mann-Whitney of Kayenta) at 99 % applied at every look rolls a healthy release back far more
// often than 1 % — every look is another chance for noise to cross the line. The mSPRT likelihood
// ratio Λ is a martingale under the null hypothesis, so by Ville's inequality
// P(Λ ever ≥ 1/α) ≤ α however often and however long one looks. Its price is a higher boundary
// than one fixed test (at α = 5 %, about z ≥ 3 instead of 1.64). The same inequality inverted
// gives a confidence sequence, which promotion uses: "not worse" holds at every look at once too.
//
// The null hypothesis is "new is not worse": H0: p_new ≤ p_stable, one-sided. How much worse
// matters is not put into the hypothesis (testing against p_new ≤ 1.2 · p_stable cut the
// detection of a 1.5x regression in bench/canary.ts from 87 % to 51 %) but applied to the
// estimate by the judge: the relative margin and the absolute floor.

export interface ErrorRateSample {
  newRequests: number;
  newErrors: number;
  stableRequests: number;
  stableErrors: number;
}

export interface ErrorRateTestSettings {
  /** Standard deviation of the normal mixture over effects, as a proportion: the size of the effect the test is tuned to find fastest. */
  mixtureSd: number;
}

export interface ErrorRateEvidence {
  newRate: number;
  stableRate: number;
  /** new rate − stable rate. */
  difference: number;
  /** Likelihood ratio of "worse" over "not worse": ≥ 1/alpha rejects at level alpha. */
  likelihoodRatio: number;
  /** 1 − 1/Λ (0 when Λ < 1): one minus the always-valid p-value at this look. */
  confidence: number;
}

// Rates for the variance are smoothed (Agresti–Caffo style, +1 error in +2 requests) so that 0
// errors does not give a variance of 0 and an infinite statistic.
const smoothed = (errors: number, requests: number) => (errors + 1) / (requests + 2);

function variance(sample: ErrorRateSample): number {
  const pNew = smoothed(sample.newErrors, sample.newRequests);
  const pStable = smoothed(sample.stableErrors, sample.stableRequests);
  return (pNew * (1 - pNew)) / Math.max(1, sample.newRequests) + (pStable * (1 - pStable)) / Math.max(1, sample.stableRequests);
}

/** log Λ of the normal-mixture SPRT for an estimate `effect` with variance `v` against 0. */
function logMixtureRatio(effect: number, v: number, tau2: number): number {
  return 0.5 * Math.log(v / (v + tau2)) + (tau2 * effect * effect) / (2 * v * (v + tau2));
}

const rate = (errors: number, requests: number) => (requests > 0 ? errors / requests : 0);

/** The one-sided test at this look: evidence that the new release's error rate is higher than stable's. */
export function testErrorRate(sample: ErrorRateSample, settings: ErrorRateTestSettings): ErrorRateEvidence {
  const newRate = rate(sample.newErrors, sample.newRequests);
  const stableRate = rate(sample.stableErrors, sample.stableRequests);
  const difference = newRate - stableRate;
  // One-sided: a release doing better carries no evidence of being worse.
  const logRatio = difference > 0 && sample.newRequests > 0 ? logMixtureRatio(difference, variance(sample), settings.mixtureSd ** 2) : 0;
  const likelihoodRatio = Math.exp(Math.min(logRatio, 700));
  return { newRate, stableRate, difference, likelihoodRatio, confidence: likelihoodRatio > 1 ? 1 - 1 / likelihoodRatio : 0 };
}

/**
 * Upper end of the always-valid confidence sequence (level 1 − alpha) for new rate − stable rate:
 * the values d for which the mSPRT of "difference = d" would not reject. Infinite with no requests.
 */
export function errorRateDifferenceUpperBound(sample: ErrorRateSample, alpha: number, mixtureSd: number): number {
  if (sample.newRequests === 0 || sample.stableRequests === 0) return Number.POSITIVE_INFINITY;
  const v = variance(sample);
  const tau2 = mixtureSd ** 2;
  const halfWidth = Math.sqrt(((v * (v + tau2)) / tau2) * (2 * Math.log(1 / alpha) + Math.log((v + tau2) / v)));
  return rate(sample.newErrors, sample.newRequests) - rate(sample.stableErrors, sample.stableRequests) + halfWidth;
}
