import type { DailyOutcome } from '../../../src/server/api-types.ts';
import { LineChart } from '../charts/line-chart.tsx';
import { StackedBarChart } from '../charts/stacked-bar-chart.tsx';
import { money, percent } from '../format/numbers.ts';

const outcomeSeries = [
  { key: 'merged', label: 'Merged', className: 'fill-good' },
  { key: 'failed', label: 'Failed', className: 'fill-bad' },
  { key: 'rejected', label: 'Rejected', className: 'fill-warn' },
  { key: 'cancelled', label: 'Cancelled', className: 'fill-neutral' },
  { key: 'other', label: 'Open', className: 'fill-active' },
];

/** Success rates may come as a fraction or a percentage; the charts draw a fraction. */
function asFraction(value: number | null): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return value > 1 ? value / 100 : value;
}

function outcome(day: DailyOutcome, key: string): number {
  if (key === 'other') return Math.max(0, day.total - day.merged - day.failed - day.rejected - day.cancelled);
  return Number(day[key as keyof DailyOutcome] ?? 0);
}

export function OverviewCharts({ daily }: { daily: DailyOutcome[] }) {
  const days = daily.map((day) => day.day);
  const total = daily.reduce((sum, day) => sum + day.total, 0);
  const merged = daily.reduce((sum, day) => sum + day.merged, 0);
  const cost = daily.reduce((sum, day) => sum + (day.cost ?? 0), 0);
  const rates = daily.map((day) => asFraction(day.successRate));
  const medians = daily.map((day) => day.medianMinutesToVerified);
  const knownMedians = medians.filter((value): value is number => value !== null);
  return (
    <div className="grid two charts">
      <StackedBarChart
        title="Operations per day by outcome"
        days={days}
        series={outcomeSeries}
        values={(index, key) => outcome(daily[index]!, key)}
        summary={`${total} operations over ${days.length} days, ${merged} merged.`}
      />
      <LineChart
        title="Success rate"
        label="Success rate"
        days={days}
        values={rates}
        fixedMaximum={1}
        formatValue={(value) => percent(value)}
        summary={`Share of finished operations that merged, per day; ${rates.filter((rate) => rate !== null).length} days with finished operations.`}
      />
      <LineChart
        title="Median time to a verified change"
        label="Minutes"
        days={days}
        values={medians}
        formatValue={(value) => `${value < 10 ? value.toFixed(1) : Math.round(value)} min`}
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
        summary={`${money(cost)} over ${days.length} days.`}
      />
    </div>
  );
}
