import { ChartAxes } from './chart-axes.tsx';
import { ChartFigure } from './chart-figure.tsx';
import { chartPadding, niceMaximum, plotHeight, plotWidth } from './chart-geometry.ts';

export interface BarSeries {
  key: string;
  label: string;
  className: string;
}

interface StackedBarChartProps {
  title: string;
  days: string[];
  series: BarSeries[];
  values: (day: number, key: string) => number;
  formatValue?: (value: number) => string;
  summary: string;
  /** The y axis reaches at least this far, so an empty chart still has a scale. */
  smallestMaximum?: number;
}

/** Bars per day, one segment per series stacked from the axis up. */
export function StackedBarChart({
  title,
  days,
  series,
  values,
  formatValue = (value) => (Number.isInteger(value) ? String(value) : value.toFixed(1)),
  summary,
  smallestMaximum = 1,
}: StackedBarChartProps) {
  const totals = days.map((_, index) => series.reduce((sum, item) => sum + values(index, item.key), 0));
  const maximum = niceMaximum(Math.max(0, ...totals), smallestMaximum);
  const slot = plotWidth / Math.max(days.length, 1);
  const barWidth = Math.max(2, slot * 0.7);
  const scale = (value: number) => (value / maximum) * plotHeight;
  const legend =
    series.length > 1 ? (
      <ul className="chart-legend">
        {series.map((item) => (
          <li key={item.key}>
            <span className={`legend-swatch ${item.className}`} aria-hidden="true" />
            {item.label}
          </li>
        ))}
      </ul>
    ) : undefined;
  return (
    <ChartFigure
      title={title}
      summary={summary}
      legend={legend}
      columns={['Day', ...series.map((item) => item.label)]}
      rows={days.map((day, index) => [day, ...series.map((item) => formatValue(values(index, item.key)))])}
    >
      <ChartAxes days={days} maximum={maximum} formatValue={formatValue} />
      {days.map((day, index) => {
        let base = chartPadding.top + plotHeight;
        return (
          <g key={day}>
            {series.map((item) => {
              const height = scale(values(index, item.key));
              if (height <= 0) return null;
              base -= height;
              return (
                <rect
                  key={item.key}
                  x={chartPadding.left + slot * index + (slot - barWidth) / 2}
                  y={base}
                  width={barWidth}
                  height={height}
                  className={item.className}
                >
                  <title>{`${day} · ${item.label}: ${formatValue(values(index, item.key))}`}</title>
                </rect>
              );
            })}
          </g>
        );
      })}
    </ChartFigure>
  );
}
