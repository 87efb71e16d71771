import { useId, type ReactNode } from 'react';
import { chartHeight, chartWidth } from './chart-geometry.ts';

interface ChartFigureProps {
  title: string;
  summary: string;
  columns: string[];
  rows: (string | number)[][];
  legend?: ReactNode;
  children: ReactNode;
}

/**
 * A chart as an image with a title and a one-line summary for screen readers, and its numbers as
 * a table behind a disclosure for anyone who wants them exactly.
 */
export function ChartFigure({ title, summary, columns, rows, legend, children }: ChartFigureProps) {
  const titleId = useId();
  const descriptionId = useId();
  return (
    <figure className="chart card">
      <figcaption className="chart-title">{title}</figcaption>
      {legend}
      <svg viewBox={`0 0 ${chartWidth} ${chartHeight}`} role="img" aria-labelledby={`${titleId} ${descriptionId}`} className="chart-svg">
        <title id={titleId}>{title}</title>
        <desc id={descriptionId}>{summary}</desc>
        {children}
      </svg>
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
