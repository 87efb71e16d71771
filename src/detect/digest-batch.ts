import { sql } from 'drizzle-orm';
import type { Database } from '../store/database.ts';
import type { RecordedEvent } from '../store/event-hub.ts';
import { foldGroups, groupEntries, type DigestOptions, type DigestResult } from './digest.ts';
import { quarantineEntry } from './quarantine.ts';
import type { Inbox, InboxBatch, InboxEntry } from './spool-inbox.ts';

export interface BatchOptions extends DigestOptions {
  /** Told of each entry put in quarantine, with what the database said. */
  onQuarantine?: (entry: InboxEntry, error: unknown) => void;
}

/**
 * Groups the next batch of the inbox in one transaction. When that fails for something in the
 * entries (the database refused a value), the batch is halved and each half tried in order, down
 * to the one entry at fault, which is kept in quarantine while every other entry is grouped. A
 * failure of the database itself (connection, shutdown, deadlock) is thrown: the digest tries the
 * batch again later and nothing is quarantined for it.
 */
export async function digestBatch(db: Database, inbox: Inbox, options: BatchOptions): Promise<DigestResult> {
  const now = options.clock?.() ?? new Date();
  const batch = await inbox.next(options.batchSize);
  const result: DigestResult = { processed: 0, rows: batch?.entries.length ?? 0, dropped: 0, quarantined: 0, touched: [], published: [] };
  if (batch) await digestPart(db, batch, 0, batch.entries.length, options, now, result);
  return result;
}

async function digestPart(db: Database, batch: InboxBatch, from: number, to: number, options: BatchOptions, now: Date, result: DigestResult): Promise<void> {
  let part: Pick<DigestResult, 'processed' | 'dropped' | 'touched' | 'published'>;
  try {
    const grouped = await groupEntries(batch.entries.slice(from, to));
    part = await db.transaction(async (transaction) => {
      const published: RecordedEvent[] = [];
      const touched = await foldGroups(transaction, grouped, options, now, published);
      await batch.markDigested(transaction, to);
      return { processed: grouped.processed, dropped: grouped.dropped, touched, published };
    });
  } catch (error) {
    if (!(await isFaultOfEntries(db, error))) throw error;
    if (to - from > 1) {
      const middle = from + Math.ceil((to - from) / 2);
      await digestPart(db, batch, from, middle, options, now, result);
      await digestPart(db, batch, middle, to, options, now, result);
      return;
    }
    const entry = batch.entries[from]!;
    await db.transaction(async (transaction) => {
      await quarantineEntry(transaction, entry, error);
      await batch.markDigested(transaction, to);
    });
    await batch.committed(to);
    result.processed += entry.events;
    result.quarantined += 1;
    options.onQuarantine?.(entry, error);
    return;
  }
  await batch.committed(to);
  result.processed += part.processed;
  result.dropped += part.dropped;
  result.touched.push(...part.touched);
  result.published.push(...part.published);
}

// SQLSTATE classes of a database that is unwell rather than of a value it refused: connection (08),
// transaction rollback such as a deadlock (40), resources (53), operator intervention (57), system (58).
const databaseTrouble = /^(08|40|53|57|58|XX)|^55P03$/;

/** True when the failure came from what the entries hold: the database answers, and did not fail as a whole. */
async function isFaultOfEntries(db: Database, error: unknown): Promise<boolean> {
  for (let cause = error, depth = 0; cause && typeof cause === 'object' && depth < 5; cause = (cause as { cause?: unknown }).cause, depth += 1) {
    const code = (cause as { code?: unknown }).code;
    // A Node system error (ECONNRESET, EPIPE…) is the connection's, not the entries'.
    if (typeof code === 'string' && (databaseTrouble.test(code) || code.startsWith('E'))) return false;
  }
  try {
    await db.execute(sql`SELECT 1`);
    return true;
  } catch {
    return false;
  }
}
