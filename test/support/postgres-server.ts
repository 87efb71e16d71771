import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { freePort } from './mender-process.ts';

const run = promisify(execFile);

export interface PostgresServer {
  /** URL of a database created for this server (`mender_test`). */
  url: string;
  /** Creates another empty database on the same server and returns its URL. */
  createDatabase(): Promise<string>;
  /** Stops the server and deletes its files. */
  stop(): Promise<void>;
}

const skipMessage = 'postgres tests skipped: PostgreSQL is not installed (apt-get install postgresql)';
const debianRoot = '/usr/lib/postgresql';

/** Folder holding `initdb` and `pg_ctl` of the newest Debian PostgreSQL, or undefined when none is installed. */
export function findPostgresBinaries(): string | undefined {
  let versions: string[];
  try {
    versions = fs.readdirSync(debianRoot);
  } catch {
    return undefined;
  }
  const folders = versions
    .sort((left, right) => Number.parseFloat(right) - Number.parseFloat(left))
    .map((version) => path.join(debianRoot, version, 'bin'))
    .filter((folder) => fs.existsSync(path.join(folder, 'initdb')) && fs.existsSync(path.join(folder, 'pg_ctl')));
  return folders[0];
}

let skipReported = false;

/**
 * Whether PostgreSQL is available; when it is not, prints one line and returns false — or throws
 * under CI=true, where a skipped suite would hide a broken machine.
 */
export function postgresAvailable(): boolean {
  if (findPostgresBinaries()) return true;
  if (process.env.CI === 'true') throw new Error(`${skipMessage} — CI=true, so this is a failure: install PostgreSQL on the CI machine`);
  if (!skipReported) console.log(skipMessage);
  skipReported = true;
  return false;
}

/**
 * Starts a throwaway PostgreSQL server on a free loopback port with its files in a temporary
 * folder. Returns undefined (after one line of explanation) when PostgreSQL is not installed.
 */
export async function startPostgresServer(): Promise<PostgresServer | undefined> {
  if (!postgresAvailable()) return undefined;
  const binaries = findPostgresBinaries() as string;
  const owner = serverOwner();
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-pg-'));
  const dataFolder = path.join(folder, 'data');
  const logFile = path.join(folder, 'server.log');
  if (owner) fs.chownSync(folder, owner.uid, owner.gid);

  const runAsOwner = (command: string, args: string[]) =>
    run(path.join(binaries, command), args, { ...(owner ?? {}), cwd: folder, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' } });

  const removeFiles = () => fs.rmSync(folder, { recursive: true, force: true });
  let stopped = false;
  const stopSynchronously = () => {
    if (stopped) return;
    try {
      execFileSync(path.join(binaries, 'pg_ctl'), ['stop', '-D', dataFolder, '-m', 'immediate', '-s'], { ...(owner ?? {}), stdio: 'ignore' });
    } catch {
      // Already stopped.
    }
    removeFiles();
  };

  try {
    await runAsOwner('initdb', ['-D', dataFolder, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    const port = await startOnFreePort(runAsOwner, dataFolder, folder, logFile);
    // A test process that dies without running afterAll must not leave a server behind.
    process.once('exit', stopSynchronously);
    const serverUrl = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
    let databaseCount = 0;
    const createDatabase = async () => {
      databaseCount += 1;
      const name = databaseCount === 1 ? 'mender_test' : `mender_test_${databaseCount}`;
      const client = new pg.Client({ connectionString: serverUrl('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return serverUrl(name);
    };
    const url = await createDatabase();
    return {
      url,
      createDatabase,
      async stop() {
        if (stopped) return;
        await runAsOwner('pg_ctl', ['stop', '-D', dataFolder, '-m', 'fast', '-s']).catch(() => undefined);
        stopped = true;
        process.removeListener('exit', stopSynchronously);
        removeFiles();
      },
    };
  } catch (error) {
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '';
    stopSynchronously();
    throw new Error(`PostgreSQL test server did not start: ${(error as Error).message}${log ? `\nserver log:\n${log}` : ''}`, { cause: error });
  }
}

type RunAsOwner = (command: string, args: string[]) => Promise<unknown>;

/** The port is found free and then handed to the server, so another process may take it between: try again then. */
async function startOnFreePort(runAsOwner: RunAsOwner, dataFolder: string, socketFolder: string, logFile: string): Promise<number> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    // Durability settings off: these databases are thrown away, and tests run faster.
    const serverOptions = `-p ${port} -k ${socketFolder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    try {
      await runAsOwner('pg_ctl', ['start', '-D', dataFolder, '-l', logFile, '-w', '-t', '30', '-s', '-o', serverOptions]);
      return port;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** PostgreSQL refuses to run as root: then run it as the `postgres` user (or `nobody`). */
function serverOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const users = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'));
  for (const name of ['postgres', 'nobody']) {
    const user = users.find((fields) => fields[0] === name);
    if (user?.[2] && user[3]) return { uid: Number(user[2]), gid: Number(user[3]) };
  }
  throw new Error('Running as root and there is no postgres or nobody user to run PostgreSQL as: create one (useradd postgres)');
}

/**
 * A vitest suite that runs against a fresh PostgreSQL server, skipped when PostgreSQL is not
 * installed (a failure under CI=true). `getUrl` gives the database URL inside tests and hooks.
 */
export function describePostgres(name: string, body: (getUrl: () => string) => void): void {
  const available = postgresAvailable();
  describe.skipIf(!available)(name, () => {
    let server: PostgresServer | undefined;
    beforeAll(async () => {
      server = await startPostgresServer();
    });
    afterAll(async () => {
      await server?.stop();
    });
    body(() => {
      if (!server) throw new Error('The PostgreSQL server is not started yet: call getUrl() inside a test or hook, not while the suite is collected');
      return server.url;
    });
  });
}
