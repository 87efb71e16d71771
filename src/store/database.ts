import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import * as schema from './schema.ts';
import { privateFolderMode, tightenTree } from './private-files.ts';
import { advisoryLockIds } from './advisory-lock-ids.ts';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A database handle or an open transaction: both run the same queries. */
export type Executor = Pick<Database, 'select' | 'insert' | 'update' | 'delete' | 'execute'>;

export interface Store {
  db: Database;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** postgres:// URL of a server; when absent the embedded PGlite is used. */
  databaseUrl?: string;
  /**
   * An idle pooled connection failed (the server restarted, an administrator or a failover ended
   * it): the pool drops it and the next query opens another. Default: one line on stderr.
   */
  onConnectionError?: (error: Error) => void;
  /** Folder for PGlite's files; when absent (and no URL) the database lives in memory. */
  directory?: string;
}

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Opens the store on PGlite or a PostgreSQL server and applies pending migrations. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // Without a listener the pool's 'error' event is thrown: one ended connection would stop Mender.
    const onConnectionError =
      options.onConnectionError ?? ((error: Error) => process.stderr.write(`database connection lost (the pool opens another): ${error.message}\n`));
    pool.on('error', onConnectionError);
    const db = drizzlePostgres(pool, { schema }) as unknown as Database;
    await migrate(db, 'postgres');
    return { db, kind: 'postgres', close: () => pool.end() };
  }
  const directory = options.directory;
  if (directory) await initialiseDataFolder(directory);
  const client = await PGlite.create(directory, { startParams: pgliteStartParams });
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  await migrate(db, 'pglite');
  // PGlite writes some files with modes of its own (see private-files.ts): tightened once open and once closed.
  if (directory) tightenTree(directory);
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await client.close();
      if (directory) tightenTree(directory);
    },
  };
}

// PGlite starts PostgreSQL with a server's 128 MB of shared buffers; every page it touches stays in
// this process's memory (WebAssembly memory never shrinks). Mender's tables are small.
const pgliteStartParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

// umask 077: the folders and the files PostgreSQL creates itself come out 0700/0600.
const initialiseScript = `
const [entry, folder] = process.argv.slice(1);
process.umask(0o077);
require(entry).PGlite.create(folder).then((client) => client.close()).catch((error) => { console.error(error.message); process.exit(1); });
`;

/**
 * Creating a data folder (initdb) takes PGlite to nearly 900 MB, which the process would then keep
 * for life; reopening an existing folder needs a fraction. So a new folder is made by a short-lived
 * child process, next to the target and renamed into place, so a crash leaves no half-made folder.
 */
async function initialiseDataFolder(directory: string): Promise<void> {
  if (fs.existsSync(path.join(directory, 'PG_VERSION'))) return;
  if (fs.existsSync(directory) && fs.readdirSync(directory).length > 0) return; // not ours to replace: PGlite reports what is wrong
  const scratch = `${directory}.initialising-${process.pid}`;
  try {
    // The parent may be a shared folder (a store in /tmp, a data folder under /var/lib): create
    // what is missing privately, never tighten what exists.
    fs.mkdirSync(path.dirname(directory), { recursive: true, mode: privateFolderMode });
    fs.rmSync(scratch, { recursive: true, force: true });
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    await promisify(execFile)(process.execPath, ['-e', initialiseScript, entry, scratch], { env: { PATH: process.env.PATH ?? '' } });
    tightenTree(scratch);
    fs.rmSync(directory, { recursive: true, force: true });
    fs.renameSync(scratch, directory);
  } catch (error) {
    fs.rmSync(scratch, { recursive: true, force: true });
    throw new Error(`cannot create the database folder ${directory}: ${(error as { stderr?: string }).stderr?.trim() || (error as Error).message}`);
  }
}

async function migrate(db: Database, kind: Store['kind']): Promise<void> {
  const files = fs
    .readdirSync(migrationsFolder)
    .filter((file) => file.endsWith('.sql'))
    .sort();
  await db.transaction(async (transaction) => {
    // Several Mender processes may start against one server: the lock makes migration single-file.
    if (kind === 'postgres') await transaction.execute(sql`SELECT pg_advisory_xact_lock(${advisoryLockIds.migrations})`);
    await transaction.execute(sql`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = await transaction.execute(sql`SELECT name FROM schema_migrations`);
    const done = new Set(rowsOf<{ name: string }>(applied).map((row) => row.name));
    for (const file of files) {
      if (done.has(file)) continue;
      // One statement per call: prepared statements (PGlite, node-postgres with parameters) take one.
      const statements = fs.readFileSync(path.join(migrationsFolder, file), 'utf8').split(/;\s*$/m);
      for (const statement of statements) {
        if (statement.trim()) await transaction.execute(sql.raw(statement));
      }
      await transaction.execute(sql`INSERT INTO schema_migrations (name) VALUES (${file})`);
    }
  });
}

/** Rows of a raw `execute` result: PGlite and node-postgres both answer `{ rows }`. */
export function rowsOf<Row>(result: unknown): Row[] {
  return (result as { rows: Row[] }).rows;
}
