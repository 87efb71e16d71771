import type { Executor } from '../store/database.ts';
import type { QueueName } from '../domain/process-roles.ts';

export type { QueueName };

export interface JobOptions {
  /** Lower runs first; default 0. */
  priority?: number;
  /** Earliest start, counted from now; default 0. */
  delayMs?: number;
  /** Attempts before the job ends `failed`; default 3. */
  maxAttempts?: number;
  /** Base of the exponential backoff between attempts (`backoffMs * 2^(attempt-1)`); default 1000. */
  backoffMs?: number;
  /** A second add with the same key while the first job is waiting or active is a no-op returning the existing id. Keys are shared by all queues. */
  dedupeKey?: string;
}

export interface Job<Payload = Record<string, unknown>> {
  id: string;
  queue: QueueName;
  name: string;
  payload: Payload;
  /** 1-based. */
  attempt: number;
  maxAttempts: number;
}

/** Runs one job; throw to fail the attempt (an error with `retryable === false` fails the job at once). */
export type JobHandler = (job: Job, signal: AbortSignal) => Promise<void>;

/** `waiting`: due now; `delayed`: waiting for a later start (a delay or a retry's backoff). */
export type JobCounts = Record<'waiting' | 'delayed' | 'active' | 'completed' | 'failed', number>;

/** A durable, at-least-once job queue: the embedded one stores jobs in the database, a BullMQ one will use Redis. */
export interface JobQueue {
  /** Durable once the promise resolves; pass `executor` (a drizzle transaction) to enqueue atomically with a state change. */
  add(queue: QueueName, name: string, payload: Record<string, unknown>, options?: JobOptions, executor?: Executor): Promise<string>;
  /** Adds several jobs of one queue with the same options (no dedupe key) in one write; ids in order. */
  addMany(
    queue: QueueName,
    jobs: { name: string; payload: Record<string, unknown> }[],
    options?: Omit<JobOptions, 'dedupeKey'>,
    executor?: Executor,
  ): Promise<string[]>;
  /** Starts processing; at most `concurrency` jobs of this queue at once in this process. */
  process(queue: QueueName, concurrency: number, handler: JobHandler): void;
  /** Counts by status for metrics (`delayed`: waiting jobs not due yet, delayed or backing off). */
  counts(queue: QueueName): Promise<JobCounts>;
  /** Jobs this instance is running now, of every queue it processes (`mender_worker_busy`). */
  busy(): number;
  /** Stops taking jobs, aborts the signals of running ones and waits for them to settle (up to a timeout). */
  close(): Promise<void>;
}
