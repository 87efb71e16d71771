import { sql } from 'drizzle-orm';
import type { Executor } from './database.ts';
import { advisoryLockIds } from './advisory-lock-ids.ts';

/** The channel every event writer notifies at commit; the event relay listens on it. */
export const eventsChannel = 'mender_events';

/**
 * Serialises event writers until commit, so event sequence order is commit order (a stream that
 * resumes after N never skips an N-1 committed later). The audit log takes the same lock. The
 * notification is sent in the same transaction, so PostgreSQL delivers it at commit (never for a
 * rollback); several in one transaction are folded into one.
 */
export async function lockEventOrder(executor: Executor): Promise<void> {
  await executor.execute(sql`SELECT pg_advisory_xact_lock(${advisoryLockIds.eventOrder}), pg_notify(${eventsChannel}, '')`);
}
