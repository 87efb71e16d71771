import { ChartAxes } from './chart-axes.tsx';
import { ChartFigure } from './chart-figure.tsx';
import { chartPadding, niceMaximum, plotHeight, plotWidth } from './chart-geometry.ts';

export interface LineSeries {
  key: string;
  label: string;
  /** One value per x label; null leaves a gap (nothing measured there). */
  values: (number | null)[];
  className: string;
}

interface SeriesLineChartProps {
  title: string;
  /** The x axis' labels, one per point. */
  labels: string[];
  /** What the x labels are, for the data table's first column. */
  labelName: string;
  series: LineSeries[];
  formatValue: (value: number) => string;
  /** The y axis reaches at least this far, so a flat zero line still has a scale. */
  smallestMaximum?: number;
  summary: string;
}

const usable = (value: number | null | undefined): value is number => value !== null && value !== undefined && Number.isFinite(value);

/** Several lines over the same x labels (e.g. the new and the stable release per interval), on one scale. */
export function SeriesLineChart({ title, labels, labelName, series, formatValue, smallestMaximum = 1, summary }: SeriesLineChartProps) {
  const present = series.flatMap((item) => item.values.filter(usable));
  const maximum = niceMaximum(Math.max(0, ...present), smallestMaximum);
  const slot = plotWidth / Math.max(labels.length, 1);
  const point = (index: number, value: number) => ({
    x: chartPadding.left + slot * (index + 0.5),
    y: chartPadding.top + plotHeight * (1 - Math.min(value, maximum) / maximum),
  });
  const pathOf = (values: (number | null)[]) => {
    const segments: string[] = [];
    let current = '';
    values.forEach((value, index) => {
      if (!usable(value)) {
        if (current) segments.push(current);
        current = '';
        return;
      }
      const { x, y } = point(index, value);
      current += `${current ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
    });
    if (current) segments.push(current);
    return segments.join(' ');
  };
  const legend = (
    <ul className="chart-legend">
      {series.map((item) => (
        <li key={item.key}>
          <span className={`legend-swatch ${item.className}`} aria-hidden="true" />
          {item.label}
        </li>
      ))}
    </ul>
  );
  return (
    <ChartFigure
      title={title}
      summary={summary}
      legend={legend}
      columns={[labelName, ...series.map((item) => item.label)]}
      rows={labels.map((label, index) => [label, ...series.map((item) => (usable(item.values[index]) ? formatValue(item.values[index]!) : '—'))])}
    >
      <ChartAxes days={labels} maximum={maximum} formatValue={formatValue} />
      {series.map((item) => (
        <g key={item.key} className={`chart-series ${item.className}`} data-series={item.key}>
          <path d={pathOf(item.values)} className="chart-line" />
          {item.values.map((value, index) => {
            if (!usable(value)) return null;
            const { x, y } = point(index, value);
            return (
              <circle key={index} cx={x} cy={y} r={2.5} className="chart-point">
                <title>{`${labels[index]} · ${item.label}: ${formatValue(value)}`}</title>
              </circle>
            );
          })}
        </g>
      ))}
    </ChartFigure>
  );
}
