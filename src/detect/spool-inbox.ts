import { eq } from 'drizzle-orm';
import type { Database, Executor } from '../store/database.ts';
import { agentState } from '../store/schema.ts';
import { IngestSpool, spoolIdOf, type SpoolOptions, type SpoolPosition, type SpoolRecovery } from './ingest-spool.ts';
import type { SpoolEntry } from './spool-record.ts';

/** What ingest hands over: one request's events as a JSON array text. */
export interface InboxRow {
  projectId: number;
  source: string;
  payload: string;
  events: number;
  /**
   * Sent with the project's server-side key, or seen by Mender's own log tails and health checks:
   * not something anyone holding the public key (shipped in front-end bundles) can send.
   */
  serverSide?: boolean;
}

export interface InboxEntry extends InboxRow {
  receivedAt: Date;
}

/**
 * Entries taken for digesting, in order. A batch may be digested in parts (a batch whose
 * transaction fails is split to find the entry at fault): `through` counts the entries from the
 * start of the batch that a part's transaction covers; parts go in order.
 */
export interface InboxBatch {
  entries: InboxEntry[];
  /** Records, inside the grouping transaction, that the first `through` entries (default: all) are digested. */
  markDigested(transaction: Executor, through?: number): Promise<void>;
  /** Call after that transaction committed: frees what it covered. */
  committed(through?: number): Promise<void>;
}

/** Where accepted requests wait for the digest. */
export interface Inbox {
  /** Resolves once the rows are durable: only then may the sender get its 200. */
  write(rows: InboxRow[]): Promise<void>;
  /** The next entries after the digested cursor (none: undefined); one batch at a time. */
  next(maxEntries: number): Promise<InboxBatch | undefined>;
  /** Accepted requests not digested yet. */
  pending(): number;
}

/** Where a spool's digest cursor is kept (agent_state). */
export const cursorKey = (spoolId: string) => `detect.spool-cursor.${spoolId}`;

// A batch's payloads are parsed on the main thread in one go; this bounds how long that takes.
const maxBatchBytes = 4 * 1024 * 1024;

/**
 * The inbox as a file spool under the data folder, for PGlite and PostgreSQL alike: no
 * database statement per request. The digest cursor lives in the database (agent_state, keyed
 * by the spool's id) and is written in the transaction that groups the batch, so after any
 * crash each accepted event is grouped exactly once.
 */
export class SpoolInbox implements Inbox {
  private spool: IngestSpool | undefined;
  private cursor: SpoolPosition = { segment: 0, offset: 0 };

  constructor(
    private readonly db: Database,
    private readonly directory: string,
    private readonly onDurable: () => void = () => undefined,
    private readonly options: SpoolOptions = {},
  ) {}

  /** Reads the stored cursor, then opens the spool at it (cutting a torn tail). */
  async open(): Promise<SpoolRecovery> {
    let key: string;
    try {
      key = cursorKey(spoolIdOf(this.directory));
    } catch (error) {
      throw new Error(`cannot open the ingest spool in ${this.directory}: ${(error as Error).message}`);
    }
    const [row] = await this.db.select().from(agentState).where(eq(agentState.key, key));
    const stored = row ? (row.value as SpoolPosition) : undefined;
    const { spool, recovery } = await IngestSpool.open(this.directory, stored, this.onDurable, this.options);
    this.spool = spool;
    if (stored) this.cursor = stored;
    return recovery;
  }

  write(rows: InboxRow[]): Promise<void> {
    if (!this.spool) return Promise.reject(new Error('the ingest inbox is not open yet'));
    const receivedAt = Date.now();
    return this.spool.append(rows.map((row): SpoolEntry => ({ ...row, receivedAt })));
  }

  async next(maxEntries: number): Promise<InboxBatch | undefined> {
    const spool = this.spool;
    if (!spool) return undefined;
    const records = await spool.read(this.cursor, maxEntries, maxBatchBytes);
    if (!records.length) return undefined;
    const endOf = (through = records.length) => {
      if (!Number.isInteger(through) || through < 1 || through > records.length)
        throw new Error(`an inbox batch of ${records.length} entries cannot be digested through entry ${through}`);
      return records[through - 1]!.end;
    };
    let released = 0;
    const key = cursorKey(spool.id);
    return {
      entries: records.map((record) => ({
        projectId: record.projectId,
        source: record.source,
        payload: record.payload,
        events: record.events,
        serverSide: record.serverSide,
        receivedAt: new Date(record.receivedAt),
      })),
      markDigested: async (transaction, through) => {
        const end = endOf(through);
        await transaction
          .insert(agentState)
          .values({ key, value: end, updatedAt: new Date() })
          .onConflictDoUpdate({ target: agentState.key, set: { value: end, updatedAt: new Date() } });
      },
      committed: async (through = records.length) => {
        this.cursor = endOf(through);
        await spool.release(this.cursor, through - released);
        released = through;
      },
    };
  }

  pending(): number {
    return this.spool?.pending ?? 0;
  }

  async close(): Promise<void> {
    await this.spool?.close();
  }
}
