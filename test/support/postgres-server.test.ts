import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { expect, it } from 'vitest';
import { openStore } from '../../src/store/database.ts';
import { describePostgres, postgresAvailable, startPostgresServer } from './postgres-server.ts';

describePostgres('postgres test server', (getUrl) => {
  it('answers queries', async () => {
    const client = new pg.Client({ connectionString: getUrl() });
    await client.connect();
    try {
      const result = await client.query<{ answer: number; database: string }>('SELECT 1 + 1 AS answer, current_database() AS database');
      expect(result.rows[0]).toEqual({ answer: 2, database: 'mender_test' });
    } finally {
      await client.end();
    }
  });

  it('lets openStore migrate the database', async () => {
    const store = await openStore({ databaseUrl: getUrl() });
    try {
      expect(store.kind).toBe('postgres');
      const tables = await store.db.execute(sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
      const names = (tables as unknown as { rows: { table_name: string }[] }).rows.map((row) => row.table_name);
      expect(names).toEqual(expect.arrayContaining(['jobs', 'operations', 'repos', 'schema_migrations']));
      // Opening again finds the migrations applied and does not fail on existing tables.
      const again = await openStore({ databaseUrl: getUrl() });
      await again.close();
    } finally {
      await store.close();
    }
  });
});

it.runIf(postgresAvailable())('stops the server and removes its files', async () => {
  const server = await startPostgresServer();
  if (!server) throw new Error('PostgreSQL is installed but the server did not start');
  const second = await server.createDatabase();
  expect(second).not.toBe(server.url);
  const client = new pg.Client({ connectionString: second });
  await client.connect();
  await client.end();

  const port = Number(new URL(server.url).port);
  // The server's folder is the one holding its unix socket.
  const folder = fs
    .readdirSync(os.tmpdir())
    .map((name) => path.join(os.tmpdir(), name))
    .find((candidate) => path.basename(candidate).startsWith('mender-pg-') && fs.existsSync(path.join(candidate, `.s.PGSQL.${port}`)));
  expect(folder).toBeDefined();
  await server.stop();

  const refused = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2000 });
  await expect(refused.connect()).rejects.toThrow();
  expect(fs.existsSync(folder as string)).toBe(false);
});
