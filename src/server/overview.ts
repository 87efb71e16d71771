import type { OperationOutcomeRow } from '../store/dashboard-queries.ts';
import { mergedLikeStatuses, type OperationStatus } from '../domain/operation-vocabulary.ts';

export interface DailyOutcome {
  day: string;
  total: number;
  merged: number;
  failed: number;
  rejected: number;
  cancelled: number;
  rolledBack: number;
  /** merged ÷ (merged + failed + rejected + rolled back) of the day's operations; null when none of them ended. */
  successRate: number | null;
  /** Median minutes from creation to the change first passing verification, of the day's verified operations. */
  medianMinutesToVerified: number | null;
  /** Model cost in US dollars of the day's operations (from their usage and the price table). */
  cost: number;
}

const dayMs = 24 * 60 * 60 * 1000;

/** The UTC midnight `days - 1` days before `now`'s day: the start of a window of `days` days ending today. */
export function windowStart(now: Date, days: number): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - (days - 1) * dayMs);
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function costOf(usage: Record<string, unknown>): number {
  return Object.values(usage).reduce<number>(
    (sum, role) => sum + (typeof (role as { cost?: unknown })?.cost === 'number' ? (role as { cost: number }).cost : 0),
    0,
  );
}

/**
 * Operations per UTC day of creation, by their outcome now, for every day of the window (oldest
 * first, days without operations included), with success rate, time to a verified change and cost.
 */
export function dailyOutcomes(rows: OperationOutcomeRow[], now: Date, days: number): DailyOutcome[] {
  const start = windowStart(now, days).getTime();
  const buckets = Array.from({ length: days }, (_, index) => ({
    day: new Date(start + index * dayMs).toISOString().slice(0, 10),
    rows: [] as OperationOutcomeRow[],
  }));
  for (const row of rows) {
    const index = Math.floor((row.createdAt.getTime() - start) / dayMs);
    if (index >= 0 && index < days) buckets[index]!.rows.push(row);
  }
  return buckets.map(({ day, rows: dayRows }) => {
    const count = (test: (status: string) => boolean) => dayRows.filter((row) => test(row.status)).length;
    const merged = count((status) => mergedLikeStatuses.has(status as OperationStatus));
    const failed = count((status) => status === 'failed');
    const rejected = count((status) => status === 'rejected');
    const cancelled = count((status) => status === 'cancelled');
    const rolledBack = count((status) => status === 'rolled_back');
    const ended = merged + failed + rejected + rolledBack;
    const minutes = dayRows.flatMap((row) => (row.verifiedAt ? [(row.verifiedAt.getTime() - row.createdAt.getTime()) / 60_000] : []));
    const medianMinutes = median(minutes);
    return {
      day,
      total: dayRows.length,
      merged,
      failed,
      rejected,
      cancelled,
      rolledBack,
      successRate: ended > 0 ? merged / ended : null,
      medianMinutesToVerified: medianMinutes === null ? null : Math.round(medianMinutes * 100) / 100,
      cost: Math.round(dayRows.reduce((sum, row) => sum + costOf(row.usage), 0) * 1_000_000) / 1_000_000,
    };
  });
}
