import { sql } from 'drizzle-orm';
import type { Database } from './database.ts';

/** Runs decisions one at a time: `run` starts its work after every earlier one has settled. */
export interface DecisionLock {
  run<Result>(work: () => Promise<Result>): Promise<Result>;
}

/** One process owns the database (embedded PGlite): a promise chain is enough. */
export function inProcessLock(): DecisionLock {
  let chain: Promise<unknown> = Promise.resolve();
  return {
    run<Result>(work: () => Promise<Result>): Promise<Result> {
      const next = chain.then(work, work);
      chain = next.catch(() => undefined);
      return next;
    },
  };
}

/**
 * Several processes on one PostgreSQL server: decisions queue up in this process (so it holds at
 * most one connection for the lock), then each holds a transaction-scoped advisory lock on its
 * own connection while the work runs on others. A process that dies mid-decision drops its
 * connection, and PostgreSQL releases the lock with it.
 */
export function databaseLock(db: Database, lockId: number): DecisionLock {
  const local = inProcessLock();
  return {
    run<Result>(work: () => Promise<Result>): Promise<Result> {
      return local.run(async () => {
        let result: Result | undefined;
        await db.transaction(async (transaction) => {
          await transaction.execute(sql`SELECT pg_advisory_xact_lock(${lockId})`);
          result = await work();
        });
        return result as Result;
      });
    },
  };
}
