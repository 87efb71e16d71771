import { Queue, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Job as BullmqJob, JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Database, Executor } from '../store/database.ts';
import { backoffDelay, checkInteger, checkJobOptions, describeError, type CheckedJobOptions } from './job-options.ts';
import { countOutboxJobs, relayOutbox, writeDedupedOutboxJob, writeOutboxJobs, type RelayedJob } from './job-outbox.ts';
import type { Job, JobCounts, JobHandler, JobOptions, JobQueue, QueueName } from './job-queue.ts';
import { isRetryable } from './permanent-job-error.ts';
import { startOutboxRelay, type OutboxRelay } from './outbox-relay.ts';

export interface BullmqQueueOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  url: string;
  /** Prefix of every Redis key; default `mender`. */
  prefix?: string;
  /** How long a worker's lock on a job lasts without renewal (renewed every half of it). Default 30000. */
  lockDurationMs?: number;
  /** How often each worker looks for jobs whose lock lapsed (their worker died) and puts them back. Default 30000. */
  stalledIntervalMs?: number;
  /** Times a job may lose its worker before it ends `failed` (a job that kills every worker must stop). Default 2. */
  maxStalledCount?: number;
  /** How often the outbox relay looks for committed rows; an add in this process wakes it at once. Default 100. */
  relayIntervalMs?: number;
  /** How long `close` waits for running handlers after aborting them. Default 10000. */
  shutdownTimeoutMs?: number;
  /** How long `close` lets running handlers finish on their own before aborting them. Default 0. */
  drainMs?: number;
  /** Errors of the background work (Redis unreachable, relay failing, …); default one warning per run of failures. */
  onError?: (error: unknown) => void;
}

/** The BullMQ queue also says whether Redis answers (for `/ready`). */
export interface BullmqQueue extends JobQueue {
  /** Resolves when Redis answers a PING; rejects with the reason otherwise. */
  ping(): Promise<void>;
}

const defaults = { prefix: 'mender', lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 2, relayIntervalMs: 100, shutdownTimeoutMs: 10_000 };
// BullMQ priorities run from 1 (first) to 2,097,151, and 0 means "none" and runs before all of them,
// so every job gets one: Mender's 0 sits in the middle and ±1,048,575 around it keep their order.
const bullmqPriorityOfZero = 1_048_576;
const largestBullmqPriority = 2_097_151;
const backoffType = 'mender-exponential';
const relayBatchSize = 500;
// Finished jobs are kept a while (for counts, and so a relay repeating an add finds the job id taken).
const keepCompleted = { age: 7 * 24 * 60 * 60 };
const keepFailed = { age: 30 * 24 * 60 * 60 };

/**
 * A job queue on Redis through BullMQ. Jobs added with an `executor` go through the transactional
 * outbox in `database` (so they exist exactly when the transaction commits); the others go to
 * Redis directly.
 */
export function createBullmqQueue(database: Database, options: BullmqQueueOptions): BullmqQueue {
  return new BullmqJobQueue(database, options);
}

/** BullMQ's priority for a Mender priority (lower runs first on both). */
export function bullmqPriority(priority: number): number {
  return Math.min(Math.max(priority + bullmqPriorityOfZero, 1), largestBullmqPriority);
}

class ShutdownError extends Error {
  override name = 'ShutdownError';
}
class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

interface RunningJob {
  controller: AbortController;
  settled: Promise<void>;
}

class BullmqJobQueue implements BullmqQueue {
  private readonly settings: typeof defaults & { drainMs: number };
  private readonly reportError: (error: unknown) => void;
  private readonly url: string;
  private readonly connection: Redis;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers = new Map<QueueName, { worker: Worker; connection: Redis }>();
  /** Keyed by queue and job id: BullMQ numbers the jobs of each queue on its own. */
  private readonly running = new Map<string, RunningJob>();
  private readonly relay: OutboxRelay;
  private closing = false;
  private failing = false;
  private closed: Promise<void> | undefined;

  constructor(
    private readonly database: Database,
    options: BullmqQueueOptions,
  ) {
    const { url, onError, ...rest } = options;
    this.settings = { ...defaults, drainMs: 0, ...rest };
    const report = onError ?? ((error: unknown) => console.warn(`job queue: ${describeError(error)}`));
    // While Redis is down every connection, worker and relay pass fails again and again: report
    // the first failure, then nothing until a connection is ready again.
    this.reportError = (error) => {
      if (!this.failing) report(error);
      this.failing = true;
    };
    this.url = url;
    this.connection = this.connect(url, 'queue');
    this.relay = startOutboxRelay({
      intervalMs: this.settings.relayIntervalMs,
      batchSize: relayBatchSize,
      pass: () => relayOutbox(this.database, relayBatchSize, (jobs) => this.addRelayed(jobs)),
      onError: this.reportError,
    });
  }

  private connect(url: string, role: 'queue' | `worker-${string}`): Redis {
    // Workers block on Redis and must wait through a reconnect instead of failing commands (BullMQ's
    // advice); adds, counts and the relay (which holds a transaction open) fail after ioredis's
    // default retries instead, so a request or a relay pass is not held while Redis is down.
    const retries = role === 'queue' ? {} : { maxRetriesPerRequest: null };
    const connection = new Redis(url, { ...retries, connectionName: `mender-${role}` });
    // Without a listener ioredis prints every failed reconnect.
    connection.on('error', (error: unknown) => this.reportError(new Error(`Redis at ${redactUrl(url)}: ${describeError(error)}`)));
    connection.on('ready', () => (this.failing = false));
    return connection;
  }

  private queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.settings.prefix });
      queue.on('error', this.reportError);
      this.queues.set(name, queue);
    }
    return queue;
  }

  async add(queue: QueueName, name: string, payload: Record<string, unknown>, options: JobOptions = {}, executor?: Executor): Promise<string> {
    const checked = checkJobOptions(options);
    if (!executor) {
      const job = await this.queue(queue).add(name, payload, bullmqOptions(checked, checked.delayMs));
      return jobIdOf(job);
    }
    const { dedupeKey } = checked;
    let id: string;
    if (dedupeKey === undefined) [id] = (await writeOutboxJobs(executor, [{ queue, name, payload, options: checked }], new Date())) as [string];
    else {
      // A job holding the key in Redis already answers the add, as the embedded queue's row would.
      const holder = await this.queue(queue).getDeduplicationJobId(dedupeKey);
      if (holder) return holder;
      id = await writeDedupedOutboxJob(executor, { queue, name, payload, options: { ...checked, dedupeKey } }, new Date());
    }
    // The row is visible once the caller commits; the relay's next pass finds it if this one is early.
    this.relay.wake();
    return id;
  }

  async addMany(
    queue: QueueName,
    batch: { name: string; payload: Record<string, unknown> }[],
    options: Omit<JobOptions, 'dedupeKey'> = {},
    executor?: Executor,
  ): Promise<string[]> {
    const checked = checkJobOptions({ ...options, dedupeKey: undefined });
    if (batch.length === 0) return [];
    if (!executor) {
      const jobs = await this.queue(queue).addBulk(batch.map((job) => ({ ...job, data: job.payload, opts: bullmqOptions(checked, checked.delayMs) })));
      return jobs.map(jobIdOf);
    }
    const ids = await writeOutboxJobs(
      executor,
      batch.map((job) => ({ queue, ...job, options: checked })),
      new Date(),
    );
    this.relay.wake();
    return ids;
  }

  /** Adds relayed outbox rows; repeating it is harmless, as each carries its own job id. */
  private async addRelayed(jobs: RelayedJob[]): Promise<void> {
    const now = Date.now();
    for (const name of new Set(jobs.map((job) => job.queue))) {
      const ofQueue = jobs.filter((job) => job.queue === name);
      await this.queue(name).addBulk(
        ofQueue.map((job) => ({
          name: job.name,
          data: job.payload,
          opts: { ...bullmqOptions(job.options, Math.max(0, job.runAt.getTime() - now)), jobId: job.jobId },
        })),
      );
    }
  }

  process(queue: QueueName, concurrency: number, handler: JobHandler): void {
    if (this.closing) throw new Error(`Cannot process queue ${queue}: the job queue is closed`);
    if (this.workers.has(queue)) throw new Error(`Queue ${queue} is already being processed by this job queue: call process once per queue`);
    checkInteger('concurrency', concurrency, 1);
    const connection = this.connect(this.url, `worker-${queue}`);
    const worker = new Worker(queue, (job, token, signal) => this.run(queue, job, token, signal, handler), {
      connection,
      prefix: this.settings.prefix,
      concurrency,
      lockDuration: this.settings.lockDurationMs,
      stalledInterval: this.settings.stalledIntervalMs,
      maxStalledCount: this.settings.maxStalledCount,
      settings: { backoffStrategy: (attemptsMade, _type, _error, job) => backoffDelay(backoffBaseOf(job?.opts), attemptsMade) },
    });
    worker.on('error', this.reportError);
    worker.on('lockRenewalFailed', (jobIds: string[]) => {
      for (const id of jobIds)
        this.running.get(`${queue}:${id}`)?.controller.abort(new LeaseLostError(`Job ${id} lost its lock: another worker may run it now`));
    });
    this.workers.set(queue, { worker, connection });
  }

  private async run(queue: QueueName, job: BullmqJob, token: string | undefined, signal: AbortSignal | undefined, handler: JobHandler): Promise<void> {
    const id = jobIdOf(job);
    const key = `${queue}:${id}`;
    const controller = new AbortController();
    signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    let settle = () => {};
    const running: RunningJob = { controller, settled: new Promise((resolve) => (settle = resolve)) };
    this.running.set(key, running);
    const attempt = job.attemptsMade + 1;
    try {
      await handler(
        { id, queue, name: job.name, payload: job.data as Record<string, unknown>, attempt, maxAttempts: job.opts.attempts ?? 1 } satisfies Job,
        controller.signal,
      );
    } catch (error) {
      // Interrupted by shutdown: back to waiting without using up the attempt, as the embedded queue does.
      if (controller.signal.reason instanceof ShutdownError && token) {
        await job.moveToWait(token);
        throw new WaitingError();
      }
      if (!isRetryable(error)) throw new UnrecoverableError(describeError(error));
      throw error;
    } finally {
      this.running.delete(key);
      settle();
    }
  }

  async counts(queue: QueueName): Promise<JobCounts> {
    // The outbox first: a row relayed between the two reads is counted twice for a moment, never missed.
    const outbox = await countOutboxJobs(this.database, queue, new Date());
    const redis = await this.queue(queue).getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed');
    const read = (state: string) => redis[state] ?? 0;
    return {
      waiting: read('waiting') + read('prioritized') + outbox.waiting,
      delayed: read('delayed') + outbox.delayed,
      active: read('active'),
      completed: read('completed'),
      failed: read('failed'),
    };
  }

  busy(): number {
    return this.running.size;
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  close(): Promise<void> {
    this.closing = true;
    this.closed ??= this.shutDown();
    return this.closed;
  }

  private async shutDown(): Promise<void> {
    const workers = [...this.workers.values()];
    // No new jobs from here on; the running ones keep their locks while they finish.
    await Promise.all(workers.map(({ worker }) => worker.pause(true).catch(this.reportError)));
    if (this.settings.drainMs > 0) await this.settleRunning(this.settings.drainMs);
    for (const job of this.running.values()) job.controller.abort(new ShutdownError('The job queue is closing'));
    const settled = await this.settleRunning(this.settings.shutdownTimeoutMs);
    // A handler that ignores its signal is left running: its lock lapses once this process is
    // gone and another worker takes the job. The others are waited for so their outcomes are written.
    await Promise.all(workers.map(({ worker }) => worker.close(!settled).catch(this.reportError)));
    await this.relay.stop();
    await Promise.all([...this.queues.values()].map((queue) => queue.close().catch(this.reportError)));
    for (const connection of [this.connection, ...workers.map((worker) => worker.connection)]) connection.disconnect();
  }

  /** Waits until every running handler has settled (true), or `milliseconds` have passed (false). */
  private async settleRunning(milliseconds: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), milliseconds)));
    const all = Promise.all([...this.running.values()].map((job) => job.settled)).then(() => true);
    const settled = await Promise.race([all, timeout]);
    clearTimeout(timer);
    return settled;
  }
}

function bullmqOptions(options: CheckedJobOptions, delayMs: number): JobsOptions {
  return {
    priority: bullmqPriority(options.priority),
    ...(delayMs > 0 ? { delay: delayMs } : {}),
    attempts: options.maxAttempts,
    backoff: { type: backoffType, delay: options.backoffMs },
    ...(options.dedupeKey !== undefined ? { deduplication: { id: options.dedupeKey } } : {}),
    removeOnComplete: keepCompleted,
    removeOnFail: keepFailed,
  };
}

function backoffBaseOf(options: JobsOptions | undefined): number {
  const backoff = options?.backoff;
  return typeof backoff === 'object' ? (backoff.delay ?? 0) : (backoff ?? 0);
}

function jobIdOf(job: { id?: string | undefined }): string {
  if (!job.id) throw new Error('BullMQ returned a job without an id');
  return job.id;
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
