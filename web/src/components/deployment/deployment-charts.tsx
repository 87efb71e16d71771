import type { DeploymentIntervalView } from '../../../../src/domain/deployment-vocabulary.ts';
import { SeriesLineChart } from '../../charts/series-line-chart.tsx';
import { errorRate, milliseconds, ratePercent } from '../../format/deployment.ts';
import { duration } from '../../format/time.ts';

/** Error rate (5xx share) and p95 latency of the new and the stable release, one point per judged interval. */
export function DeploymentCharts({ intervals }: { intervals: DeploymentIntervalView[] }) {
  if (intervals.length === 0) return <p className="muted">No interval judged yet: the charts start with the canary's first interval.</p>;
  const labels = intervals.map((interval) => duration(interval.elapsedMs));
  const newRates = intervals.map((interval) => errorRate(interval.newRelease));
  const stableRates = intervals.map((interval) => errorRate(interval.stableRelease));
  const newP95 = intervals.map((interval) => interval.newRelease.p95Ms);
  const stableP95 = intervals.map((interval) => interval.stableRelease?.p95Ms ?? null);
  const newRequests = intervals.reduce((sum, interval) => sum + interval.newRelease.requests, 0);
  const stableRequests = intervals.reduce((sum, interval) => sum + (interval.stableRelease?.requests ?? 0), 0);
  const series = (newValues: (number | null)[], stableValues: (number | null)[]) => [
    { key: 'new', label: 'New release', values: newValues, className: 'series-new' },
    { key: 'stable', label: 'Stable release', values: stableValues, className: 'series-stable' },
  ];
  return (
    <div className="grid two charts" data-testid="deployment-charts">
      <SeriesLineChart
        title="Error rate (5xx / requests)"
        labels={labels}
        labelName="Since the canary began"
        series={series(newRates, stableRates)}
        formatValue={ratePercent}
        smallestMaximum={0.01}
        summary={`${intervals.length} intervals; ${newRequests} requests to the new release, ${stableRequests} to the stable one.`}
      />
      <SeriesLineChart
        title="Latency p95"
        labels={labels}
        labelName="Since the canary began"
        series={series(newP95, stableP95)}
        formatValue={milliseconds}
        smallestMaximum={10}
        summary={`p95 per interval; latest: new ${milliseconds(newP95.at(-1))}, stable ${milliseconds(stableP95.at(-1))}.`}
      />
    </div>
  );
}
