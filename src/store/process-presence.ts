import { and, eq, gt, lt, ne, sql } from 'drizzle-orm';
import type { Database } from './database.ts';
import { menderProcesses } from './schema.ts';

export type ProcessRow = typeof menderProcesses.$inferSelect;

export interface ProcessIdentity {
  processId: string;
  role: string;
  dataFolderId: string;
  host: string;
}

/** How often a process says it is alive, and after how long without a word it counts as gone. */
export const presenceIntervalMs = 5_000;
export const presenceLiveMs = 30_000;

/**
 * The presence of every Mender process in the database: a row per process, refreshed every
 * few seconds, removed on a clean stop; rows not refreshed for a day are removed by any process.
 * It answers "is any live worker on another data folder?" (docs/scale-out.md).
 */
export class ProcessPresence {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly identity: ProcessIdentity,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch((error: Error) => this.onError(error)), presenceIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.db.delete(menderProcesses).where(eq(menderProcesses.processId, this.identity.processId));
  }

  /** Live processes running queues (role worker or all) whose data folder is not this one's. */
  async liveWorkersElsewhere(): Promise<ProcessRow[]> {
    return this.db
      .select()
      .from(menderProcesses)
      .where(
        and(
          ne(menderProcesses.dataFolderId, this.identity.dataFolderId),
          ne(menderProcesses.role, 'web'),
          gt(menderProcesses.lastSeenAt, sql`now() - make_interval(secs => ${presenceLiveMs / 1000})`),
        ),
      );
  }

  private async beat(): Promise<void> {
    await this.db
      .insert(menderProcesses)
      .values(this.identity)
      .onConflictDoUpdate({ target: menderProcesses.processId, set: { lastSeenAt: sql`now()` } });
    await this.db.delete(menderProcesses).where(lt(menderProcesses.lastSeenAt, sql`now() - interval '1 day'`));
  }
}
