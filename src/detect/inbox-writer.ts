import type { Database } from '../store/database.ts';
import { detectInbox } from '../store/schema.ts';

export interface InboxRow {
  projectId: number;
  source: string;
  /** A JSON array of the request's events. */
  payload: string;
  events: number;
}

interface Pending {
  rows: InboxRow[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

// Parameters per statement stay well under PostgreSQL's 65,535.
const rowsPerStatement = 4_000;

/**
 * Group commit: rows written while a commit is under way wait for it, then go in together in
 * the next transaction. Each caller's promise resolves only after its rows committed, so a 200
 * sent after `write` means the event is durable; under load many requests share one commit.
 */
export class InboxWriter {
  private pending: Pending[] = [];
  private flushing = false;
  private scheduled = false;

  constructor(
    private readonly db: Database,
    private readonly onCommitted: () => void = () => undefined,
  ) {}

  write(rows: InboxRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ rows, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushing || this.scheduled) return;
    this.scheduled = true;
    // setImmediate: requests parsed in the same turn of the event loop join this commit.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.pending.length === 0) return;
    this.flushing = true;
    const batch = this.pending;
    this.pending = [];
    try {
      const rows = batch.flatMap((entry) => entry.rows);
      // One statement is atomic by itself; a transaction (three round trips) only when it takes several.
      if (rows.length <= rowsPerStatement) await this.db.insert(detectInbox).values(rows);
      else {
        await this.db.transaction(async (transaction) => {
          for (let start = 0; start < rows.length; start += rowsPerStatement)
            await transaction.insert(detectInbox).values(rows.slice(start, start + rowsPerStatement));
        });
      }
      for (const entry of batch) entry.resolve();
      this.onCommitted();
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      this.flushing = false;
      if (this.pending.length) this.schedule();
    }
  }
}
