import { and, asc, count, desc, eq, gt, lt, notInArray, type SQL } from 'drizzle-orm';
import type { Executor } from './database.ts';
import { auditLog } from './schema.ts';

/** One stored audit row, as the database holds it now (which is what verification checks). */
export type AuditRecord = typeof auditLog.$inferSelect;

/** Exact-match filters; absent fields match everything. */
export interface AuditFilter {
  actor?: string;
  action?: string;
  subject?: string;
  /** Actions left out (the dashboard hides tool and model calls unless asked). */
  excludeActions?: readonly string[];
}

export interface AuditPageRequest extends AuditFilter {
  /** Oldest first (the default, as exports and verification read it) or newest first. */
  order?: 'oldest' | 'newest';
  /** Oldest first: only rows with a sequence above this; absent means from the very first row. */
  after?: number;
  /** Newest first: only rows with a sequence below this; absent means from the newest row. */
  before?: number;
  limit: number;
}

export interface AuditPage {
  entries: AuditRecord[];
  /** Oldest first: pass as `after` for the next page; null when this page is the last. */
  nextAfter: number | null;
  /** Newest first: pass as `before` for the next (older) page; null when this page is the last. */
  nextBefore: number | null;
}

function filterConditions(filter: AuditFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.actor !== undefined) conditions.push(eq(auditLog.actor, filter.actor));
  if (filter.action !== undefined) conditions.push(eq(auditLog.action, filter.action));
  if (filter.subject !== undefined) conditions.push(eq(auditLog.subject, filter.subject));
  if (filter.excludeActions?.length) conditions.push(notInArray(auditLog.action, [...filter.excludeActions]));
  return conditions;
}

/** One page of the audit log in sequence order (either way), keyset-paged on the sequence. */
export async function pageAudit(executor: Executor, request: AuditPageRequest): Promise<AuditPage> {
  const newest = request.order === 'newest';
  const conditions = filterConditions(request);
  if (!newest && request.after !== undefined) conditions.push(gt(auditLog.sequence, request.after));
  if (newest && request.before !== undefined) conditions.push(lt(auditLog.sequence, request.before));
  // One row more than asked tells whether another page exists without a second query.
  const rows = await executor
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(newest ? desc(auditLog.sequence) : asc(auditLog.sequence))
    .limit(request.limit + 1);
  const entries = rows.slice(0, request.limit);
  const cursor = rows.length > request.limit ? (entries.at(-1)?.sequence ?? null) : null;
  return { entries, nextAfter: newest ? null : cursor, nextBefore: newest ? cursor : null };
}

/** Each action in the log with its row count, by name: what the dashboard's action picker offers. */
export async function auditActionCounts(executor: Executor): Promise<{ action: string; count: number }[]> {
  const rows = await executor.select({ action: auditLog.action, count: count() }).from(auditLog).groupBy(auditLog.action).orderBy(asc(auditLog.action));
  return rows.map((row) => ({ action: row.action, count: Number(row.count) }));
}

/** Every matching row in sequence order, read a page at a time so memory stays flat on a long log. */
export async function* iterateAudit(executor: Executor, filter: AuditFilter = {}, pageSize = 500): AsyncGenerator<AuditRecord> {
  let after: number | undefined;
  for (;;) {
    const page = await pageAudit(executor, { ...filter, after, limit: pageSize });
    yield* page.entries;
    if (page.nextAfter === null) return;
    after = page.nextAfter;
  }
}

/** The row stored with this hash, if any: verification uses it to tell a moved row from a deleted one. */
export async function findAuditByHash(executor: Executor, hash: string): Promise<AuditRecord | undefined> {
  const [row] = await executor.select().from(auditLog).where(eq(auditLog.hash, hash)).orderBy(asc(auditLog.sequence)).limit(1);
  return row;
}

/** The row stored under this sequence, if any. */
export async function findAuditBySequence(executor: Executor, sequence: number): Promise<AuditRecord | undefined> {
  const [row] = await executor.select().from(auditLog).where(eq(auditLog.sequence, sequence)).limit(1);
  return row;
}
