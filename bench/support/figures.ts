/** Small helpers the benchmarks share: timing, medians and a plain-text table. */
import { performance } from 'node:perf_hooks';

/** Milliseconds since an arbitrary origin, with sub-millisecond resolution. */
export const now = (): number => performance.now();

/** The median of the values (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Rounds to one decimal: enough for milliseconds, and stable in JSON output. */
export const round = (value: number): number => Math.round(value * 10) / 10;

export const formatMs = (value: number): string => (Number.isFinite(value) ? `${round(value).toFixed(1)} ms` : 'n/a');

/** A left-aligned first column and right-aligned others, as plain text. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** The value below which `fraction` of the values lie (nearest rank). */
export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

/**
 * The p99 of the requests sent in each second of a run (`sentAt` in ms from its start, same order
 * as `latencies`): shows whether slow answers cluster (start-up work, a stall) or spread.
 */
export function p99BySecond(sentAt: readonly number[], latencies: readonly number[]): string {
  const seconds: number[][] = [];
  sentAt.forEach((sent, index) => (seconds[Math.floor(sent / 1000)] ??= []).push(latencies[index]!));
  return Array.from(seconds, (values) => (values ? String(Math.round(percentile(values, 0.99))) : '-')).join(' ');
}
