// The latency rule: the new release's percentile (p95 by default) over the stable one's, interval
// by interval. Judged per interval, not cumulatively, so a regression shows within minutes and a
// past slow spell does not linger; two failing intervals in a row are needed because one slow
// minute (a cold cache, a garbage collection) happens to healthy releases. An interval with too
// few samples on either side is not judged and breaks the run: a p95 of 20 requests is their
// second-slowest, noise.
import type { CanaryObservation, TrafficFigures } from './canary-observation.ts';
import type { CanaryVerdict } from './canary-verdict.ts';
import { histogramCount, percentile } from '../latency-histogram.ts';
import type { JudgeSettings } from './judge-settings.ts';

export type LatencyComparison = NonNullable<CanaryVerdict['latency']>;

function compare(newFigures: TrafficFigures, stableFigures: TrafficFigures, settings: JudgeSettings['latency']) {
  const newSamples = histogramCount(newFigures.latency);
  const stableSamples = histogramCount(stableFigures.latency);
  const newMs = percentile(newFigures.latency, settings.percentile);
  const stableMs = percentile(stableFigures.latency, settings.percentile);
  if (newMs === undefined || stableMs === undefined) return undefined;
  const judged = newSamples >= settings.minSamples && stableSamples >= settings.minSamples;
  const ratio = newMs / Math.max(stableMs, Number.MIN_VALUE);
  return { newMs, stableMs, ratio, newSamples, stableSamples, failing: judged && ratio >= settings.ratio };
}

/** The latest interval's comparison and the run of failing intervals ending with it. */
export function judgeLatency(
  observation: CanaryObservation,
  baselineFromBefore: TrafficFigures | undefined,
  settings: JudgeSettings['latency'],
): LatencyComparison | undefined {
  let run = 0;
  let latest: LatencyComparison | undefined;
  for (const interval of observation.intervals) {
    const stable = interval.stableRelease ?? baselineFromBefore;
    const comparison = stable ? compare(interval.newRelease, stable, settings) : undefined;
    run = comparison?.failing ? run + 1 : 0;
    latest = comparison && {
      percentile: settings.percentile,
      newMs: comparison.newMs,
      stableMs: comparison.stableMs,
      ratio: comparison.ratio,
      newSamples: comparison.newSamples,
      stableSamples: comparison.stableSamples,
      failingIntervals: run,
    };
  }
  return latest;
}
