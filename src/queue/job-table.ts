import { and, eq, lt, sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../store/database.ts';
import { jobs } from '../store/schema.ts';
import type { Job, JobCounts, QueueName } from './job-queue.ts';

// Reads and writes of the `jobs` table for the embedded queue. Every write to a claimed job is
// guarded by its claim (worker id + attempt), so a worker that lost its lease cannot overwrite the
// outcome of whoever holds the job now. Times come from the caller's clock, not the database's.

export interface NewJob {
  queue: QueueName;
  name: string;
  payload: Record<string, unknown>;
  priority: number;
  runAt: Date;
  maxAttempts: number;
  backoffMs: number;
  dedupeKey: string | undefined;
  now: Date;
}

/** Who holds a claimed job: the worker and the attempt it claimed. */
export interface Claim {
  jobId: string;
  workerId: string;
  attempt: number;
}

/** A claimed job and the backoff base its retries use. */
export interface ClaimedJob {
  job: Job;
  backoffMs: number;
}

function rowOf(job: NewJob) {
  return {
    queue: job.queue,
    name: job.name,
    payload: job.payload,
    priority: job.priority,
    status: 'waiting',
    maxAttempts: job.maxAttempts,
    backoffMs: job.backoffMs,
    runAt: job.runAt,
    dedupeKey: job.dedupeKey ?? null,
    createdAt: job.now,
    updatedAt: job.now,
  };
}

/** Inserts jobs without dedupe keys in one statement; returns their ids in order. */
export async function insertJobs(executor: Executor, batch: NewJob[]): Promise<string[]> {
  if (batch.length === 0) return [];
  if (batch.some((job) => job.dedupeKey !== undefined)) throw new Error('jobs with a dedupe key are added one at a time');
  const inserted = await executor.insert(jobs).values(batch.map(rowOf)).returning({ id: jobs.id });
  return inserted.map((row) => String(row.id));
}

/** Inserts a job, or returns the id of the waiting or active job holding the same dedupe key. */
export async function insertJob(executor: Executor, job: NewJob): Promise<string> {
  const values = rowOf(job);
  if (job.dedupeKey === undefined) {
    const [inserted] = await executor.insert(jobs).values(values).returning({ id: jobs.id });
    return String(inserted?.id);
  }
  // The holder of the key may finish (and free it) between the two statements: then insert again.
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const [inserted] = await executor.insert(jobs).values(values).onConflictDoNothing({ target: jobs.dedupeKey }).returning({ id: jobs.id });
    if (inserted) return String(inserted.id);
    const [existing] = await executor.select({ id: jobs.id }).from(jobs).where(eq(jobs.dedupeKey, job.dedupeKey));
    if (existing) return String(existing.id);
  }
  throw new Error(`Could not add job ${job.name}: dedupe key ${job.dedupeKey} kept changing hands; try again`);
}

/**
 * Claims up to `limit` due waiting jobs of a queue in one statement (priority, then due time, then
 * age) and counts their attempts; returned in that order. One round trip for a worker's free slots,
 * not one per job: the claim is what bounds a queue's jobs per second.
 */
export async function claimJobs(executor: Executor, queue: QueueName, workerId: string, now: Date, lockedUntil: Date, limit: number): Promise<ClaimedJob[]> {
  // SKIP LOCKED lets several workers claim at once without waiting on, or taking, each other's
  // rows. The candidates are a MATERIALIZED CTE so they are chosen once: a subquery under `IN`
  // may run again for each row scanned and, its own locks being skipped, claim more than `limit`.
  const rows = rowsOf<{
    id: number;
    name: string;
    payload: Record<string, unknown>;
    attempts: number;
    max_attempts: number;
    backoff_ms: number;
    priority: number;
    run_at: string | Date;
  }>(
    await executor.execute(sql`
      WITH next AS MATERIALIZED (
        SELECT id FROM jobs
        WHERE queue = ${queue} AND status = 'waiting' AND run_at <= ${now.toISOString()}::timestamptz
        ORDER BY priority, run_at, id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE jobs SET status = 'active', attempts = jobs.attempts + 1, locked_by = ${workerId}, locked_until = ${lockedUntil.toISOString()}::timestamptz, updated_at = ${now.toISOString()}::timestamptz
      FROM next WHERE jobs.id = next.id AND jobs.status = 'waiting'
      RETURNING jobs.id, jobs.name, jobs.payload, jobs.attempts, jobs.max_attempts, jobs.backoff_ms, jobs.priority, jobs.run_at`),
  );
  rows.sort((a, b) => a.priority - b.priority || new Date(a.run_at).getTime() - new Date(b.run_at).getTime() || Number(a.id) - Number(b.id));
  return rows.map((row) => ({
    job: { id: String(row.id), queue, name: row.name, payload: row.payload, attempt: row.attempts, maxAttempts: row.max_attempts },
    backoffMs: row.backoff_ms,
  }));
}

/** Claims the next due waiting job of a queue, if there is one. */
export async function claimNextJob(executor: Executor, queue: QueueName, workerId: string, now: Date, lockedUntil: Date): Promise<ClaimedJob | undefined> {
  const [claimed] = await claimJobs(executor, queue, workerId, now, lockedUntil, 1);
  return claimed;
}

function heldBy(claim: Claim) {
  return and(eq(jobs.id, Number(claim.jobId)), eq(jobs.status, 'active'), eq(jobs.lockedBy, claim.workerId), eq(jobs.attempts, claim.attempt));
}

/** Extends the lease of a claimed job; false when the claim was lost (the job was recovered or taken). */
export async function renewLease(executor: Executor, claim: Claim, lockedUntil: Date): Promise<boolean> {
  const renewed = await executor.update(jobs).set({ lockedUntil }).where(heldBy(claim)).returning({ id: jobs.id });
  return renewed.length > 0;
}

/**
 * Marks claimed jobs completed in one statement, each guarded by its own claim: a job whose claim
 * was lost keeps the outcome its new holder writes. Returns the ids it completed.
 */
export async function completeJobs(executor: Executor, claims: Claim[], now: Date): Promise<string[]> {
  if (claims.length === 0) return [];
  const held = JSON.stringify(claims.map((claim) => ({ id: Number(claim.jobId), worker: claim.workerId, attempt: claim.attempt })));
  const rows = rowsOf<{ id: number }>(
    await executor.execute(sql`
      UPDATE jobs SET status = 'completed', locked_by = NULL, locked_until = NULL, last_error = NULL, dedupe_key = NULL, updated_at = ${now.toISOString()}::timestamptz
      FROM jsonb_to_recordset(${held}::jsonb) AS held(id bigint, worker text, attempt integer)
      WHERE jobs.id = held.id AND jobs.status = 'active' AND jobs.locked_by = held.worker AND jobs.attempts = held.attempt
      RETURNING jobs.id`),
  );
  return rows.map((row) => String(row.id));
}

/** Records a failed attempt: back to `waiting` until `retryAt`, or `failed` when `retryAt` is undefined. */
export async function failAttempt(executor: Executor, claim: Claim, error: string, retryAt: Date | undefined, now: Date): Promise<void> {
  const outcome = retryAt ? { status: 'waiting', runAt: retryAt } : { status: 'failed', dedupeKey: null };
  await executor
    .update(jobs)
    .set({ ...outcome, lockedBy: null, lockedUntil: null, lastError: error, updatedAt: now })
    .where(heldBy(claim));
}

/** Puts a job interrupted by shutdown back to `waiting` and gives its attempt back. */
export async function releaseJob(executor: Executor, claim: Claim, now: Date): Promise<void> {
  await executor
    .update(jobs)
    .set({ status: 'waiting', attempts: sql`${jobs.attempts} - 1`, lockedBy: null, lockedUntil: null, updatedAt: now })
    .where(heldBy(claim));
}

/**
 * Returns jobs whose worker stopped renewing the lease (it crashed or hung) to `waiting`, or ends
 * them `failed` when that was their last attempt — attempts are counted at claim, so a job that
 * keeps killing its worker does not come back forever. Returns how many jobs it touched.
 */
/** Puts back active jobs whose lease ended before `cutoff` (default: now). */
export async function recoverExpiredJobs(executor: Executor, queue: QueueName, now: Date, cutoff: Date = now): Promise<number> {
  const exhausted = sql`${jobs.attempts} >= ${jobs.maxAttempts}`;
  const recovered = await executor
    .update(jobs)
    .set({
      status: sql`CASE WHEN ${exhausted} THEN 'failed' ELSE 'waiting' END`,
      dedupeKey: sql`CASE WHEN ${exhausted} THEN NULL ELSE ${jobs.dedupeKey} END`,
      lastError: sql`'lease expired: the worker running attempt ' || ${jobs.attempts} || ' stopped (crashed or hung) before finishing'`,
      lockedBy: null,
      lockedUntil: null,
      updatedAt: now,
    })
    .where(and(eq(jobs.queue, queue), eq(jobs.status, 'active'), lt(jobs.lockedUntil, cutoff)))
    .returning({ id: jobs.id });
  return recovered.length;
}

/** Counts a queue's jobs by status; waiting jobs not due at `now` count as `delayed`. */
export async function countJobs(executor: Executor, queue: QueueName, now: Date): Promise<JobCounts> {
  const rows = await executor
    .select({ status: jobs.status, count: sql<number>`count(*)::int`, later: sql<number>`(count(*) FILTER (WHERE ${jobs.runAt} > ${now}))::int` })
    .from(jobs)
    .where(eq(jobs.queue, queue))
    .groupBy(jobs.status);
  const counts: JobCounts = { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 };
  for (const row of rows) {
    if (row.status === 'waiting') {
      counts.delayed = Number(row.later);
      counts.waiting = Number(row.count) - counts.delayed;
    } else if (row.status in counts) counts[row.status as keyof JobCounts] = Number(row.count);
  }
  return counts;
}
