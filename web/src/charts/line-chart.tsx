import { ChartAxes } from './chart-axes.tsx';
import { ChartFigure, type ChartFigureProps } from './chart-figure.tsx';
import { chartPadding, niceMaximum, plotHeight, plotWidth } from './chart-geometry.ts';

interface LineChartProps {
  title: string;
  days: string[];
  values: (number | null)[];
  formatValue: (value: number) => string;
  fixedMaximum?: number;
  summary: string;
  label: string;
  headline?: ChartFigureProps['headline'];
  notEnoughData?: string;
}

/** A line over the days that have a value; days without one leave a gap. */
export function LineChart({ title, days, values, formatValue, fixedMaximum, summary, label, headline, notEnoughData }: LineChartProps) {
  const present = values.filter((value): value is number => value !== null && Number.isFinite(value));
  const maximum = fixedMaximum ?? niceMaximum(Math.max(0, ...present));
  const slot = plotWidth / Math.max(days.length, 1);
  const point = (index: number, value: number) => ({ x: chartPadding.left + slot * (index + 0.5), y: chartPadding.top + plotHeight * (1 - value / maximum) });
  const segments: string[] = [];
  let current = '';
  values.forEach((value, index) => {
    if (value === null || !Number.isFinite(value)) {
      if (current) segments.push(current);
      current = '';
      return;
    }
    const { x, y } = point(index, value);
    current += `${current ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
  });
  if (current) segments.push(current);
  return (
    <ChartFigure
      title={title}
      summary={summary}
      headline={headline}
      notEnoughData={notEnoughData}
      columns={['Day', label]}
      rows={days.map((day, index) => [day, values[index] === null || values[index] === undefined ? '—' : formatValue(values[index]!)])}
    >
      <ChartAxes days={days} maximum={maximum} formatValue={formatValue} />
      {segments.map((segment) => (
        <path key={segment} d={segment} className="chart-line" />
      ))}
      {values.map((value, index) => {
        if (value === null || !Number.isFinite(value)) return null;
        const { x, y } = point(index, value);
        return (
          <circle key={days[index]} cx={x} cy={y} r={2.5} className="chart-point">
            <title>{`${days[index]}: ${formatValue(value)}`}</title>
          </circle>
        );
      })}
    </ChartFigure>
  );
}
