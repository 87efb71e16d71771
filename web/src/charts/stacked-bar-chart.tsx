import { ChartAxes } from './chart-axes.tsx';
import type { MouseEvent } from 'react';
import { useRouter } from '../routing/router.tsx';
import { ChartFigure, type ChartFigureProps } from './chart-figure.tsx';
import { chartPadding, niceMaximum, plotHeight, plotWidth } from './chart-geometry.ts';

export interface BarSeries {
  key: string;
  label: string;
  className: string;
  /** Where a bar segment and the legend entry of this series lead (the filtered operations list). */
  link?: string;
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
  headline?: ChartFigureProps['headline'];
  notEnoughData?: string;
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
  headline,
  notEnoughData,
}: StackedBarChartProps) {
  const { navigate } = useRouter();
  // Inside the page on a plain click, like Link; a modified click opens the list as the browser would.
  const follow = (to: string) => (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
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
            {item.link ? (
              <a href={item.link} onClick={follow(item.link)}>
                {item.label}
              </a>
            ) : (
              item.label
            )}
          </li>
        ))}
      </ul>
    ) : undefined;
  return (
    <ChartFigure
      title={title}
      summary={summary}
      legend={legend}
      headline={headline}
      notEnoughData={notEnoughData}
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
              const bar = (
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
              // Out of the tab order: thirty days of bars would be thirty stops; the legend links lead to the same lists.
              return item.link ? (
                <a key={item.key} href={item.link} onClick={follow(item.link)} tabIndex={-1} className="chart-bar-link">
                  {bar}
                </a>
              ) : (
                bar
              );
            })}
          </g>
        );
      })}
    </ChartFigure>
  );
}
