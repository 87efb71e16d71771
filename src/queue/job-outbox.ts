import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Database, Executor } from '../store/database.ts';
import { jobOutbox } from '../store/schema.ts';
import type { CheckedJobOptions } from './job-options.ts';
import type { QueueName } from './job-queue.ts';

// The transactional outbox of the BullMQ queue: a job added inside a transaction becomes a row of
// `job_outbox` in that transaction, and the relay moves committed rows to Redis. The row id makes
// the BullMQ job id, so adding a row twice (a relay that stopped after the add, before the delete;
// two processes relaying at once) leaves one job: BullMQ ignores an add with an existing job id.

export interface OutboxJob {
  queue: QueueName;
  name: string;
  payload: Record<string, unknown>;
  options: CheckedJobOptions;
}

/** A committed outbox row, ready to be added to Redis. */
export interface RelayedJob extends OutboxJob {
  jobId: string;
  /** When the job is due: the add's time plus its delay, however late the relay runs. */
  runAt: Date;
}

/** The BullMQ job id of an outbox row: a prefix because BullMQ refuses custom ids that are integers. */
export function outboxJobId(rowId: number): string {
  return `outbox-${rowId}`;
}

function rowOf(job: OutboxJob, now: Date) {
  const { priority, maxAttempts, backoffMs, delayMs, dedupeKey } = job.options;
  return {
    queue: job.queue,
    name: job.name,
    payload: job.payload,
    priority,
    maxAttempts,
    backoffMs,
    runAt: new Date(now.getTime() + delayMs),
    dedupeKey: dedupeKey ?? null,
  };
}

/** Writes jobs to the outbox in one statement (inside the caller's transaction); their BullMQ ids in order. */
export async function writeOutboxJobs(executor: Executor, batch: OutboxJob[], now: Date): Promise<string[]> {
  if (batch.length === 0) return [];
  const inserted = await executor
    .insert(jobOutbox)
    .values(batch.map((job) => rowOf(job, now)))
    .returning({ id: jobOutbox.id });
  return inserted.map((row) => outboxJobId(row.id));
}

/** Writes a job with a dedupe key, or returns the id of the outbox row not yet relayed that holds the key. */
export async function writeDedupedOutboxJob(executor: Executor, job: OutboxJob & { options: { dedupeKey: string } }, now: Date): Promise<string> {
  // The holder may be relayed (and deleted) between the two statements: then insert again.
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const [inserted] = await executor
      .insert(jobOutbox)
      .values(rowOf(job, now))
      .onConflictDoNothing({ target: jobOutbox.dedupeKey })
      .returning({ id: jobOutbox.id });
    if (inserted) return outboxJobId(inserted.id);
    const [existing] = await executor.select({ id: jobOutbox.id }).from(jobOutbox).where(eq(jobOutbox.dedupeKey, job.options.dedupeKey));
    if (existing) return outboxJobId(existing.id);
  }
  throw new Error(`Could not add job ${job.name}: dedupe key ${job.options.dedupeKey} kept changing hands; try again`);
}

/**
 * Moves up to `limit` committed rows to Redis with `add` and deletes them, in one transaction that
 * holds their row locks (SKIP LOCKED: relays of other processes take other rows meanwhile).
 * `add` must be idempotent per job id. Returns how many rows it moved.
 */
export async function relayOutbox(database: Database, limit: number, add: (jobs: RelayedJob[]) => Promise<void>): Promise<number> {
  return database.transaction(async (transaction) => {
    const rows = await transaction.select().from(jobOutbox).orderBy(asc(jobOutbox.id)).limit(limit).for('update', { skipLocked: true });
    if (rows.length === 0) return 0;
    await add(
      rows.map((row) => ({
        jobId: outboxJobId(row.id),
        queue: row.queue as QueueName,
        name: row.name,
        payload: row.payload,
        runAt: row.runAt,
        options: { priority: row.priority, maxAttempts: row.maxAttempts, backoffMs: row.backoffMs, delayMs: 0, dedupeKey: row.dedupeKey ?? undefined },
      })),
    );
    await transaction.delete(jobOutbox).where(
      inArray(
        jobOutbox.id,
        rows.map((row) => row.id),
      ),
    );
    return rows.length;
  });
}

/** Jobs of a queue still in the outbox: `delayed` when due after `now`. */
export async function countOutboxJobs(executor: Executor, queue: QueueName, now: Date): Promise<{ waiting: number; delayed: number }> {
  const [row] = await executor
    .select({ total: count(), later: sql<number>`(count(*) FILTER (WHERE ${jobOutbox.runAt} > ${now}))::int` })
    .from(jobOutbox)
    .where(and(eq(jobOutbox.queue, queue)));
  const delayed = Number(row?.later ?? 0);
  return { waiting: Number(row?.total ?? 0) - delayed, delayed };
}
