import { desc, sql } from 'drizzle-orm';
import type { Database, Executor } from '../store/database.ts';
import { newId } from '../store/ids.ts';
import { detectQuarantine } from '../store/schema.ts';
import { escapeUnstorableText, storableText } from '../store/storable-text.ts';
import type { InboxEntry } from './spool-inbox.ts';

export type QuarantinedEntry = typeof detectQuarantine.$inferSelect;

const longestReason = 2000;

/** Keeps an inbox entry the digest could not group, with the reason the database gave. */
export async function quarantineEntry(executor: Executor, entry: InboxEntry, error: unknown): Promise<void> {
  await executor.insert(detectQuarantine).values({
    id: newId(),
    projectId: entry.projectId,
    source: storableText(entry.source),
    receivedAt: entry.receivedAt,
    events: entry.events,
    // Escaped, not stripped: the entry is kept as it came, readable, in a column that can hold it.
    payload: escapeUnstorableText(entry.payload),
    reason: storableText(digestFailureReason(error)).slice(0, longestReason),
  });
}

export async function listQuarantined(db: Database, limit: number, offset: number): Promise<QuarantinedEntry[]> {
  return db.select().from(detectQuarantine).orderBy(desc(detectQuarantine.quarantinedAt), desc(detectQuarantine.id)).limit(limit).offset(offset);
}

export async function countQuarantined(db: Database): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(detectQuarantine);
  return Number(row?.count ?? 0);
}

/**
 * What went wrong, briefly: the database's own message (a query error's cause) rather than the
 * failed query with all its parameters, which runs to kilobytes.
 */
export function digestFailureReason(error: unknown): string {
  const outer = error instanceof Error ? error : new Error(String(error));
  const cause = outer.cause instanceof Error ? outer.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code ?? (outer as { code?: unknown }).code;
  const message = (cause ?? outer).message;
  return `${typeof code === 'string' ? `${code}: ` : ''}${message.length > 500 ? `${message.slice(0, 500)}…` : message}`;
}
