import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Database } from '../store/database.ts';
import { agentState } from '../store/schema.ts';
import type { SessionLocks } from '../store/session-locks.ts';
import { spoolIdOf, type SpoolOptions, type SpoolRecovery } from './ingest-spool.ts';
import { cursorKey, SpoolInbox, type Inbox, type InboxBatch, type InboxRow } from './spool-inbox.ts';

/** How often a process looks for the spools of processes that are gone. */
const adoptEveryMs = 15_000;

/**
 * The ingest inbox of one process when several may share a data folder (web replicas on one
 * volume): each appends to a spool of its own, held by a session lock, and digests it. A spool
 * nobody holds belongs to a process that is gone; a process that finds one (at start and every
 * 15 s) takes it over: the first one it finds becomes its own (a restarted process keeps its
 * spool), the others it digests to their end and deletes, so no accepted event is left behind
 * when there are fewer processes than before. With one process (the embedded database) this is
 * the one spool in `<data>/ingest-spool`, as before.
 */
export class SpoolInboxes implements Inbox {
  private own: SpoolInbox | undefined;
  private ownName: string | undefined;
  private readonly adopted = new Map<string, SpoolInbox>();
  private lastAdoptAt = 0;
  /** The lock connection ended: another process may have this spool now, so nothing is appended to it. */
  private lost = false;

  constructor(
    private readonly db: Database,
    private readonly dataDir: string,
    private readonly locks: SessionLocks,
    private readonly onDurable: () => void,
    private readonly options: SpoolOptions & { log?: { info(message: string): void; warn(message: string): void } } = {},
  ) {
    locks.onLost(() => {
      this.lost = true;
      this.options.log?.warn('detection: the lock on this process’s ingest spools was lost; new events are refused until it is taken again');
    });
  }

  /** Takes the first free spool as this process's own (or makes one), and the other free ones over. */
  async open(): Promise<SpoolRecovery> {
    const recovery = await this.takeOwn();
    await this.adoptFree();
    return recovery;
  }

  write(rows: InboxRow[]): Promise<void> {
    if (this.lost || !this.own)
      return Promise.reject(new Error('this process does not hold its ingest spool at the moment (the database connection that holds it was lost)'));
    return this.own.write(rows);
  }

  async next(maxEntries: number): Promise<InboxBatch | undefined> {
    if (this.lost || Date.now() - this.lastAdoptAt >= adoptEveryMs) await this.keepUp();
    // A gone process's spool first: its events are older, and a busy own spool would starve it.
    for (const [name, inbox] of this.adopted) {
      const batch = await inbox.next(maxEntries);
      if (batch) return batch;
      await this.retire(name, inbox);
    }
    return this.own && !this.lost ? this.own.next(maxEntries) : undefined;
  }

  pending(): number {
    let pending = this.own?.pending() ?? 0;
    for (const inbox of this.adopted.values()) pending += inbox.pending();
    return pending;
  }

  async close(): Promise<void> {
    await this.own?.close();
    for (const inbox of this.adopted.values()) await inbox.close();
    this.adopted.clear();
  }

  /** After a lost lock: the own spool again if still free, else a new one; then the free ones. */
  private async keepUp(): Promise<void> {
    this.lastAdoptAt = Date.now();
    if (this.lost) {
      this.lost = false;
      const previous = this.own;
      this.own = undefined;
      for (const inbox of this.adopted.values()) await inbox.close();
      this.adopted.clear();
      await previous?.close();
      await this.takeOwn();
    }
    await this.adoptFree();
  }

  private async takeOwn(): Promise<SpoolRecovery> {
    for (const folder of this.candidates()) {
      if (!(await this.lock(folder))) continue;
      return this.openOwn(folder);
    }
    const folder = path.join(this.dataDir, 'ingest-spools', crypto.randomBytes(6).toString('hex'));
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (!(await this.lock(folder))) throw new Error(`cannot lock the new ingest spool ${folder}`);
    return this.openOwn(folder);
  }

  private async openOwn(folder: string): Promise<SpoolRecovery> {
    const inbox = new SpoolInbox(this.db, folder, this.onDurable, this.options);
    const recovery = await inbox.open();
    this.own = inbox;
    this.ownName = folder;
    this.lastAdoptAt = Date.now();
    this.options.log?.info(`detection: accepted events go to the ingest spool ${folder}`);
    return recovery;
  }

  private async adoptFree(): Promise<void> {
    for (const folder of this.candidates()) {
      // A folder not there yet is the first process's to make, not a spool to take over.
      if (folder === this.ownName || this.adopted.has(folder) || !fs.existsSync(folder) || !(await this.lock(folder))) continue;
      const inbox = new SpoolInbox(this.db, folder, () => undefined, this.options);
      const recovery = await inbox.open();
      this.adopted.set(folder, inbox);
      this.options.log?.info(`detection: took over the ingest spool of a process that is gone (${folder}, ${recovery.pending} requests to group)`);
    }
  }

  /** A drained spool of a process that is gone: its files and its cursor go, then its lock. */
  private async retire(folder: string, inbox: SpoolInbox): Promise<void> {
    this.adopted.delete(folder);
    const id = spoolIdOf(folder);
    await inbox.close();
    // The files before the cursor: a crash in between leaves a cursor of no spool, never a spool
    // without its cursor (which would be digested again from its start).
    fs.rmSync(folder, { recursive: true, force: true });
    await this.db.delete(agentState).where(eq(agentState.key, cursorKey(id)));
    await this.locks.release(lockName(id));
  }

  private lock(folder: string): Promise<boolean> {
    return this.locks.tryLock(lockName(spoolIdOf(folder)));
  }

  /** Spool folders in the data folder: the first process's, then one per process that had its own. */
  private candidates(): string[] {
    const first = path.join(this.dataDir, 'ingest-spool');
    const others = path.join(this.dataDir, 'ingest-spools');
    const named = fs.existsSync(others)
      ? fs
          .readdirSync(others, { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => path.join(others, entry.name))
          .sort()
      : [];
    return [first, ...named];
  }
}

/** By the spool's own random id: unique across data folders that share one database. */
function lockName(spoolId: string): string {
  return `ingest-spool:${spoolId}`;
}
