import { sql } from 'drizzle-orm';
import type { Executor } from './database.ts';

/**
 * Serialises event writers until commit, so event sequence order is commit order (a stream that
 * resumes after N never skips an N-1 committed later). The audit log takes the same lock.
 */
export async function lockEventOrder(executor: Executor): Promise<void> {
  await executor.execute(sql`SELECT pg_advisory_xact_lock(727275)`);
}
