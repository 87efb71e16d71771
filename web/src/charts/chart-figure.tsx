import { useId, type ReactNode } from 'react';
import { chartHeight, chartWidth } from './chart-geometry.ts';

export interface ChartFigureProps {
  title: string;
  summary: string;
  columns: string[];
  rows: (string | number)[][];
  legend?: ReactNode;
  /** The one number to read first (operations this week, the success rate), above the chart. */
  headline?: { value: string; label: string };
  /** Too few points to draw an honest chart: this sentence stands in for it. */
  notEnoughData?: string;
  children: ReactNode;
}

/**
 * A chart as an image with a title and a one-line summary for screen readers, and its numbers as
 * a table behind a disclosure for anyone who wants them exactly.
 */
export function ChartFigure({ title, summary, columns, rows, legend, headline, notEnoughData, children }: ChartFigureProps) {
  const titleId = useId();
  const descriptionId = useId();
  return (
    <figure className="chart card">
      <figcaption className="chart-title">{title}</figcaption>
      {headline ? (
        <p className="chart-headline" data-testid="chart-headline">
          {headline.value}
          <span className="chart-headline-label">{headline.label}</span>
        </p>
      ) : null}
      {notEnoughData ? (
        <p className="empty-state chart-not-enough" data-testid="chart-not-enough">
          {notEnoughData}
        </p>
      ) : (
        <>
          {legend}
          <svg viewBox={`0 0 ${chartWidth} ${chartHeight}`} role="img" aria-labelledby={`${titleId} ${descriptionId}`} className="chart-svg">
            <title id={titleId}>{title}</title>
            <desc id={descriptionId}>{summary}</desc>
            {children}
          </svg>
        </>
      )}
      <details className="chart-data">
        <summary>Data</summary>
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                {columns.map((column) => (
                  <th key={column} scope="col">
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, index) => (
                <tr key={index}>
                  {row.map((cell, cellIndex) => (
                    <td key={cellIndex}>{cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
