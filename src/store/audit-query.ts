import { and, asc, eq, gt, type SQL } from 'drizzle-orm';
import type { Executor } from './database.ts';
import { auditLog } from './schema.ts';

/** One stored audit row, as the database holds it now (which is what verification checks). */
export type AuditRecord = typeof auditLog.$inferSelect;

/** Exact-match filters; absent fields match everything. */
export interface AuditFilter {
  actor?: string;
  action?: string;
  subject?: string;
}

export interface AuditPageRequest extends AuditFilter {
  /** Only rows with a sequence above this; absent means from the very first row. */
  after?: number;
  limit: number;
}

export interface AuditPage {
  entries: AuditRecord[];
  /** Pass as `after` for the next page; null when this page is the last. */
  nextAfter: number | null;
}

/** One page of the audit log in sequence order, keyset-paged on the sequence. */
export async function pageAudit(executor: Executor, request: AuditPageRequest): Promise<AuditPage> {
  const conditions: SQL[] = [];
  if (request.after !== undefined) conditions.push(gt(auditLog.sequence, request.after));
  if (request.actor !== undefined) conditions.push(eq(auditLog.actor, request.actor));
  if (request.action !== undefined) conditions.push(eq(auditLog.action, request.action));
  if (request.subject !== undefined) conditions.push(eq(auditLog.subject, request.subject));
  // One row more than asked tells whether another page exists without a second query.
  const rows = await executor
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(asc(auditLog.sequence))
    .limit(request.limit + 1);
  const entries = rows.slice(0, request.limit);
  const last = entries.at(-1);
  return { entries, nextAfter: rows.length > request.limit && last ? last.sequence : null };
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
