import { chartHeight, chartPadding, chartWidth, labelIndexes, plotHeight, plotWidth, shortDay } from './chart-geometry.ts';

/** Grid lines with y labels (0, half, max) and a few day labels under the x axis. */
export function ChartAxes({ days, maximum, formatValue }: { days: string[]; maximum: number; formatValue: (value: number) => string }) {
  const slot = plotWidth / Math.max(days.length, 1);
  return (
    <g className="chart-axes" aria-hidden="true">
      {[0, 0.5, 1].map((fraction) => {
        const y = chartPadding.top + plotHeight * (1 - fraction);
        return (
          <g key={fraction}>
            <line x1={chartPadding.left} x2={chartWidth - chartPadding.right} y1={y} y2={y} className="chart-grid" />
            <text x={chartPadding.left - 4} y={y + 3} textAnchor="end" className="chart-label">
              {formatValue(maximum * fraction)}
            </text>
          </g>
        );
      })}
      {labelIndexes(days.length).map((index) => (
        <text key={index} x={chartPadding.left + slot * (index + 0.5)} y={chartHeight - 6} textAnchor="middle" className="chart-label">
          {shortDay(days[index] ?? '')}
        </text>
      ))}
    </g>
  );
}
