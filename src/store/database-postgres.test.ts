import pg from 'pg';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describePostgres } from '../../test/support/postgres-server.ts';
import { openStore, rowsOf } from './database.ts';

describePostgres('the store on a PostgreSQL server', (databaseUrl) => {
  it('survives the server ending its idle connections, and the next query opens a new one', async () => {
    const warnings: string[] = [];
    const store = await openStore({ databaseUrl: databaseUrl(), onConnectionError: (error) => warnings.push(error.message) });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const [mine] = rowsOf<{ pid: number }>(await store.db.execute(sql`SELECT pg_backend_pid() AS pid`));
      // An administrator (or a failover) ends the pool's idle connection.
      const admin = new pg.Client({ connectionString: databaseUrl() });
      await admin.connect();
      await admin.query('SELECT pg_terminate_backend($1)', [mine!.pid]);
      await admin.end();
      for (let tries = 0; tries < 50 && warnings.length === 0; tries += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(uncaught).toEqual([]);
      expect(warnings.join('\n')).toMatch(/terminat/i);
      const [again] = rowsOf<{ one: number }>(await store.db.execute(sql`SELECT 1 AS one`));
      expect(again).toEqual({ one: 1 });
    } finally {
      process.off('uncaughtException', onUncaught);
      await store.close();
    }
  });
});
