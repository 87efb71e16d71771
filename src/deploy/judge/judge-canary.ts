// The canary judge: given everything seen since the canary started, what to do now. Pure and
// deterministic — the same observation gives the same verdict — so the pipeline can call it every
// interval, store the verdict, and a bench can replay thousands of canaries through the same code.
//
// Order: hard signals roll back at once; then the error-rate test and the latency rule; before the
// watch window ends the answer is `continue`; at its end, promotion needs the minimum sample and
// the always-valid bound showing the new release is not worse. Too little data is `inconclusive`
// (extend the watch or ask a human), never `promote`.
import type { CanaryObservation, TrafficFigures } from './canary-observation.ts';
import type { CanaryDecision, CanaryRule, CanaryVerdict } from './canary-verdict.ts';
import { errorRateDifferenceUpperBound, testErrorRate, type ErrorRateSample } from './error-rate-test.ts';
import { findHardSignal } from './hard-signals.ts';
import { judgeLatency } from './latency-rule.ts';
import { defaultJudgeSettings, type JudgeSettings } from './judge-settings.ts';

const percent = (value: number) => `${(value * 100).toFixed(2)} %`;

/** Adds up the stable side: the concurrent intervals when there are any, else the figures from before the deploy. */
function errorRateSample(observation: CanaryObservation): { sample: ErrorRateSample; baseline: CanaryVerdict['baseline'] } {
  const sum = (pick: (figures: TrafficFigures) => number, side: 'newRelease' | 'stableRelease') =>
    observation.intervals.reduce((total, interval) => total + (interval[side] ? pick(interval[side]) : 0), 0);
  const newSide = { newRequests: sum((figures) => figures.requests, 'newRelease'), newErrors: sum((figures) => figures.serverErrors, 'newRelease') };
  if (observation.intervals.some((interval) => interval.stableRelease)) {
    const stable = {
      stableRequests: sum((figures) => figures.requests, 'stableRelease'),
      stableErrors: sum((figures) => figures.serverErrors, 'stableRelease'),
    };
    return { sample: { ...newSide, ...stable }, baseline: 'concurrent' };
  }
  const before = observation.baselineFromBefore;
  if (before) return { sample: { ...newSide, stableRequests: before.requests, stableErrors: before.serverErrors }, baseline: 'before' };
  return { sample: { ...newSide, stableRequests: 0, stableErrors: 0 }, baseline: 'none' };
}

/** The verdict for the canary as observed so far. */
export function judgeCanary(observation: CanaryObservation, settings: JudgeSettings = defaultJudgeSettings): CanaryVerdict {
  const elapsedMs = observation.intervals.at(-1)?.endsAtMs ?? 0;
  const { sample, baseline } = errorRateSample(observation);
  const test = testErrorRate(sample, settings.errorRate);
  const upperBound = errorRateDifferenceUpperBound(sample, settings.errorRate.promoteAlpha, settings.errorRate.mixtureSd);
  const latency = judgeLatency(observation, observation.baselineFromBefore, settings.latency);
  const verdict = (decision: CanaryDecision, rule: CanaryRule, reason: string): CanaryVerdict => ({
    decision,
    rule,
    reason,
    elapsedMs,
    intervals: observation.intervals.length,
    baseline,
    samples: { newRequests: sample.newRequests, stableRequests: sample.stableRequests, newErrors: sample.newErrors, stableErrors: sample.stableErrors },
    errorRate: {
      newRate: test.newRate,
      stableRate: test.stableRate,
      likelihoodRatio: test.likelihoodRatio,
      confidence: test.confidence,
      differenceUpperBound: Number.isFinite(upperBound) ? upperBound : null,
    },
    ...(latency ? { latency } : {}),
  });

  const hard = findHardSignal(observation, settings);
  if (hard) return { ...verdict('rollback', hard.rule, hard.reason), ...(hard.fingerprint ? { fingerprint: hard.fingerprint } : {}) };

  const rates = settings.errorRate;
  const difference = test.newRate - test.stableRate;
  // The absolute floor guards the low-traffic end, where the normal approximation is poor and
  // relative changes are large: 1 error against 0 is "infinitely worse" and means nothing.
  const aboveFloor =
    difference >= rates.absoluteFloor && sample.newErrors >= rates.minNewErrors && test.newRate >= (1 + rates.relativeMargin) * test.stableRate;
  if (aboveFloor && test.likelihoodRatio >= 1 / rates.alpha) {
    return verdict(
      'rollback',
      'error_rate',
      `5xx rate ${percent(test.newRate)} on the new release against ${percent(test.stableRate)} on stable (${sample.newErrors}/${sample.newRequests} vs ${sample.stableErrors}/${sample.stableRequests}), worse at confidence ${percent(test.confidence)}`,
    );
  }
  if (latency && latency.failingIntervals >= settings.latency.consecutiveIntervals) {
    return verdict(
      'rollback',
      'latency',
      `p${Math.round(latency.percentile * 100)} latency ${latency.newMs.toFixed(0)} ms on the new release against ${latency.stableMs.toFixed(0)} ms on stable (${latency.ratio.toFixed(2)}x) for ${latency.failingIntervals} intervals in a row`,
    );
  }
  if (elapsedMs < settings.watchMs)
    return verdict('continue', 'watching', `watching: ${Math.round(elapsedMs / 1000)} s of ${Math.round(settings.watchMs / 1000)} s`);
  if (baseline === 'none') return verdict('inconclusive', 'no_baseline', 'no stable figures to compare with: neither concurrent nor from before the deploy');
  if (sample.newRequests < settings.minNewRequests) {
    return verdict(
      'inconclusive',
      'too_little_data',
      `only ${sample.newRequests} requests reached the new release (at least ${settings.minNewRequests} are needed to promote)`,
    );
  }
  const margin = Math.max(rates.absoluteFloor, rates.relativeMargin * test.stableRate);
  if (upperBound >= margin) {
    return verdict(
      'inconclusive',
      'not_shown_not_worse',
      `the 5xx rate may be up to ${percent(upperBound)} worse than stable (allowed ${percent(margin)}): more data is needed to promote`,
    );
  }
  return verdict(
    'promote',
    'watch_passed',
    `no rule fired in ${Math.round(elapsedMs / 1000)} s over ${sample.newRequests} requests; 5xx at most ${percent(Math.max(0, upperBound))} worse than stable`,
  );
}
