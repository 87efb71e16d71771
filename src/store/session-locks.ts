import pg from 'pg';
import { advisoryLockIds } from './advisory-lock-ids.ts';

/**
 * Named locks a process holds for as long as it lives: a file only one process may write (an
 * ingest spool on a shared volume), a loop only one process may run. Unlike a decision lock they
 * outlive any transaction; when the process dies they are free again, so another process can
 * take over what the dead one held.
 */
export interface SessionLocks {
  /** Takes the lock unless another process holds it; true when this process holds it now. */
  tryLock(name: string): Promise<boolean>;
  release(name: string): Promise<void>;
  /** Called when every lock this process held was lost (its lock connection ended): others may take them now. */
  onLost(listener: () => void): void;
  close(): Promise<void>;
}

/** One process alone (the embedded database): every lock is free unless this process holds it. */
export function inProcessSessionLocks(): SessionLocks {
  const held = new Set<string>();
  return {
    tryLock: async (name) => {
      if (held.has(name)) return true;
      held.add(name);
      return true;
    },
    release: async (name) => void held.delete(name),
    onLost: () => undefined,
    close: async () => held.clear(),
  };
}

/**
 * PostgreSQL session advisory locks on a connection of their own (a pool would hand the
 * session to other queries and could close it). The connection is opened at the first lock and
 * again after it was lost; losing it loses every lock at once, and `onLost` says so.
 */
export function postgresSessionLocks(databaseUrl: string, onError: (error: Error) => void = () => undefined): SessionLocks {
  return new PostgresSessionLocks(databaseUrl, onError);
}

class PostgresSessionLocks implements SessionLocks {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private readonly held = new Set<string>();
  private readonly lostListeners: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly onError: (error: Error) => void,
  ) {}

  async tryLock(name: string): Promise<boolean> {
    if (this.held.has(name)) return true;
    const client = await this.connection();
    // Two keys: Mender's class of session locks, and the name hashed to 32 bits by the server.
    const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [advisoryLockIds.sessionLocks, name]);
    const locked = result.rows[0]?.locked === true;
    if (locked) this.held.add(name);
    return locked;
  }

  async release(name: string): Promise<void> {
    if (!this.held.delete(name) || !this.client) return;
    await this.client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [advisoryLockIds.sessionLocks, name]);
  }

  onLost(listener: () => void): void {
    this.lostListeners.push(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    this.held.clear();
    // Ending the session frees its locks.
    await client?.end().catch(() => undefined);
  }

  private connection(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error('the session locks are closed'));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'mender-session-locks' });
    const lost = (error: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      client.removeAllListeners();
      client.on('error', () => undefined);
      void client.end().catch(() => undefined);
      const hadLocks = this.held.size > 0;
      this.held.clear();
      if (this.closed) return;
      this.onError(error);
      if (hadLocks) for (const listener of this.lostListeners) listener();
    };
    client.on('error', lost);
    client.on('end', () => lost(new Error('the lock connection ended')));
    await client.connect();
    this.client = client;
    return client;
  }
}
