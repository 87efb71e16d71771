import type { DailyOutcome } from '../../../src/server/api-types.ts';
import { LineChart } from '../charts/line-chart.tsx';
import { StackedBarChart } from '../charts/stacked-bar-chart.tsx';
import { money, percent } from '../format/numbers.ts';

// Each segment opens the operations list filtered by that outcome (the list filters by status,
// not by day). Merged-like operations mostly end `done`, so "Merged" opens the done ones.
const outcomeSeries = [
  { key: 'merged', label: 'Merged', className: 'fill-good', link: '/operations?status=done' },
  { key: 'failed', label: 'Failed', className: 'fill-bad', link: '/operations?status=failed' },
  { key: 'rejected', label: 'Rejected', className: 'fill-warn', link: '/operations?status=rejected' },
  { key: 'cancelled', label: 'Cancelled', className: 'fill-neutral', link: '/operations?status=cancelled' },
  { key: 'other', label: 'Open', className: 'fill-active' },
];

/** Fewer days with a value than this and a chart would mislead more than it tells. */
export const minimumChartPoints = 3;
/** The shortest range drawn, so a young install still sees a week. */
const shortestRange = 7;

/** Success rates may come as a fraction or a percentage; the charts draw a fraction. */
function asFraction(value: number | null): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return value > 1 ? value / 100 : value;
}

function outcome(day: DailyOutcome, key: string): number {
  if (key === 'other') return Math.max(0, day.total - day.merged - day.failed - day.rejected - day.cancelled);
  return Number(day[key as keyof DailyOutcome] ?? 0);
}

/** The days from the first with an operation to today, at least the last week: no month of zeros before the first operation. */
export function fittedRange(daily: DailyOutcome[]): DailyOutcome[] {
  const first = daily.findIndex((day) => day.total > 0);
  const start = first === -1 ? daily.length - shortestRange : Math.min(first, daily.length - shortestRange);
  return daily.slice(Math.max(0, start));
}

function notEnough(points: number, what: string): string | undefined {
  if (points >= minimumChartPoints) return undefined;
  return `Not enough data yet: ${points === 0 ? 'no day' : points === 1 ? 'one day' : `${points} days`} with ${what}; the chart appears from ${minimumChartPoints}.`;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const minutes = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} min`;

export function OverviewCharts({ daily: requested }: { daily: DailyOutcome[] }) {
  const daily = fittedRange(requested);
  const days = daily.map((day) => day.day);
  const range = `${days.length} days`;
  const total = daily.reduce((sum, day) => sum + day.total, 0);
  const merged = daily.reduce((sum, day) => sum + day.merged, 0);
  const ended = daily.reduce((sum, day) => sum + day.merged + day.failed + day.rejected + day.rolledBack, 0);
  const thisWeek = daily.slice(-7).reduce((sum, day) => sum + day.total, 0);
  const cost = daily.reduce((sum, day) => sum + (day.cost ?? 0), 0);
  const rates = daily.map((day) => asFraction(day.successRate));
  const knownRates = rates.filter((rate) => rate !== null).length;
  const medians = daily.map((day) => day.medianMinutesToVerified);
  const knownMedians = medians.filter((value): value is number => value !== null);
  const typicalMinutes = median(knownMedians);
  return (
    <div className="grid two charts" data-testid="overview-charts" data-days={days.length}>
      <StackedBarChart
        title="Operations per day by outcome"
        days={days}
        series={outcomeSeries}
        values={(index, key) => outcome(daily[index]!, key)}
        headline={{ value: String(thisWeek), label: thisWeek === 1 ? 'operation in the last 7 days' : 'operations in the last 7 days' }}
        notEnoughData={notEnough(daily.filter((day) => day.total > 0).length, 'operations')}
        summary={`${total} operations over ${range}, ${merged} merged.`}
      />
      <LineChart
        title="Success rate"
        label="Success rate"
        days={days}
        values={rates}
        fixedMaximum={1}
        formatValue={(value) => percent(value)}
        headline={{ value: ended ? percent(merged / ended) : '—', label: ended ? `of ${ended} finished in ${range} merged` : 'nothing finished yet' }}
        notEnoughData={notEnough(knownRates, 'finished operations')}
        summary={`Share of finished operations that merged, per day; ${knownRates} days with finished operations.`}
      />
      <LineChart
        title="Median time to a verified change"
        label="Minutes"
        days={days}
        values={medians}
        formatValue={minutes}
        headline={{
          value: typicalMinutes === null ? '—' : minutes(typicalMinutes),
          label: typicalMinutes === null ? 'no verified change yet' : 'median of the days',
        }}
        notEnoughData={notEnough(knownMedians.length, 'a verified change')}
        summary={
          knownMedians.length
            ? `From trigger to green evidence; between ${Math.min(...knownMedians).toFixed(1)} and ${Math.max(...knownMedians).toFixed(1)} minutes.`
            : 'No verified change yet.'
        }
      />
      <StackedBarChart
        title="Model cost per day"
        days={days}
        series={[{ key: 'cost', label: 'Cost (USD)', className: 'fill-accent' }]}
        values={(index) => daily[index]?.cost ?? 0}
        formatValue={(value) => money(value)}
        smallestMaximum={0.01}
        headline={{ value: money(cost), label: `in ${range}` }}
        notEnoughData={notEnough(daily.filter((day) => day.cost > 0).length, 'model cost')}
        summary={`${money(cost)} over ${range}.`}
      />
    </div>
  );
}
