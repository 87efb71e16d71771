import { StackedBarChart } from '../charts/stacked-bar-chart.tsx';

const series = [{ key: 'events', label: 'Events', className: 'fill-accent' }];
const hourLabel = (iso: string) => `${String(new Date(iso).getHours()).padStart(2, '0')}:00`;

/** An issue's events per hour over the last 24 hours, with axes (local hours) and the numbers as a table. */
export function IssueHistogram({ points }: { points: { t: string; n: number }[] }) {
  const total = points.reduce((sum, point) => sum + point.n, 0);
  const busiest = points.reduce<{ t: string; n: number } | undefined>((best, point) => (point.n > (best?.n ?? 0) ? point : best), undefined);
  return (
    <StackedBarChart
      title="Events per hour, last 24 hours"
      days={points.map((point) => hourLabel(point.t))}
      series={series}
      values={(index) => points[index]?.n ?? 0}
      summary={`${total} events in the last 24 hours${busiest ? `, most at ${hourLabel(busiest.t)} (${busiest.n})` : ''}.`}
      headline={{ value: String(total), label: 'events in 24 h' }}
    />
  );
}
