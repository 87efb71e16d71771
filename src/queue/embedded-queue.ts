import crypto from 'node:crypto';
import os from 'node:os';
import type { Database, Executor } from '../store/database.ts';
import type { Job, JobCounts, JobHandler, JobOptions, JobQueue, QueueName } from './job-queue.ts';
import {
  claimJobs,
  completeJobs,
  countJobs,
  failAttempt,
  insertJob,
  insertJobs,
  recoverExpiredJobs,
  releaseJob,
  renewLease,
  type NewJob,
} from './job-table.ts';
import type { Claim } from './job-table.ts';
import { isRetryable } from './permanent-job-error.ts';
import { createCompletionBatcher, type CompletionBatcher } from './completion-batcher.ts';
import { backoffDelay, checkInteger, checkJobOptions, describeError, jobDefaults } from './job-options.ts';

export { backoffDelay };

export interface EmbeddedQueueOptions {
  /** Names this process in `locked_by`; default host:pid:random, unique per queue instance. */
  workerId?: string;
  /** How often an idle queue looks for due jobs; `add` in this process wakes it at once. Default 250. */
  pollIntervalMs?: number;
  /** How long a claim lasts without renewal; a running job renews it every third of this. Default 30000. */
  leaseMs?: number;
  /**
   * No other process uses this database (embedded PGlite opens it exclusively), so jobs left
   * active at start are retried at once instead of after their lease lapses.
   */
  soleWorker?: boolean;
  /** Source of the times written to the table (due times, leases); default the system clock. */
  clock?: () => Date;
  /** How long `close` waits for running handlers after aborting them. Default 10000. */
  shutdownTimeoutMs?: number;
  /**
   * How long `close` lets running handlers finish on their own before aborting them (a drain on
   * scale-down: the step ends instead of being retried elsewhere). Default 0: abort at once.
   */
  drainMs?: number;
  /** Errors of the background work (database unreachable, …); default one warning per run of failures. */
  onError?: (error: unknown) => void;
}

// Later than any lease: PostgreSQL's timestamptz cannot hold JavaScript's largest date.
const latestDate = new Date('9999-12-31T00:00:00Z');
const defaults = { pollIntervalMs: 250, leaseMs: 30_000, shutdownTimeoutMs: 10_000, ...jobDefaults };

/** A job queue stored in the `jobs` table of the Mender database (PGlite or PostgreSQL). */
export function createEmbeddedQueue(database: Database, options: EmbeddedQueueOptions = {}): JobQueue {
  return new EmbeddedQueue(database, options);
}

class ShutdownError extends Error {
  override name = 'ShutdownError';
}
class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

/** Lets a sleeping loop be woken early without losing a wake that comes while it is busy. */
class Wakeup {
  private pending = false;
  private wakeSleeper: (() => void) | undefined;

  wake(): void {
    if (this.wakeSleeper) this.wakeSleeper();
    else this.pending = true;
  }

  async sleep(milliseconds: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.wakeSleeper = resolve;
      timer = setTimeout(resolve, milliseconds);
    });
    clearTimeout(timer);
    this.wakeSleeper = undefined;
  }
}

interface RunningJob {
  controller: AbortController;
  settled: Promise<void>;
}

class EmbeddedQueue implements JobQueue {
  private readonly workerId: string;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly soleWorker: boolean;
  private readonly shutdownTimeoutMs: number;
  private readonly drainMs: number;
  private readonly clock: () => Date;
  private readonly reportError: (error: unknown) => void;
  private readonly wakeups = new Map<QueueName, Wakeup>();
  private readonly loops: Promise<void>[] = [];
  private readonly running = new Set<RunningJob>();
  private readonly completions: CompletionBatcher;
  private closing = false;
  private closed: Promise<void> | undefined;

  constructor(
    private readonly database: Database,
    options: EmbeddedQueueOptions,
  ) {
    this.workerId = options.workerId ?? `${os.hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
    this.pollIntervalMs = options.pollIntervalMs ?? defaults.pollIntervalMs;
    this.leaseMs = options.leaseMs ?? defaults.leaseMs;
    this.soleWorker = options.soleWorker ?? false;
    this.shutdownTimeoutMs = options.shutdownTimeoutMs ?? defaults.shutdownTimeoutMs;
    this.drainMs = options.drainMs ?? 0;
    this.clock = options.clock ?? (() => new Date());
    this.reportError = options.onError ?? ((error) => console.warn(`job queue: ${describeError(error)}`));
    this.completions = createCompletionBatcher((claims) => completeJobs(this.database, claims, this.clock()));
  }

  async add(queue: QueueName, name: string, payload: Record<string, unknown>, options: JobOptions = {}, executor?: Executor): Promise<string> {
    const id = await insertJob(executor ?? this.database, this.newJob(queue, name, payload, options));
    this.wakeAfterAdd(queue, options);
    return id;
  }

  async addMany(
    queue: QueueName,
    batch: { name: string; payload: Record<string, unknown> }[],
    options: Omit<JobOptions, 'dedupeKey'> = {},
    executor?: Executor,
  ): Promise<string[]> {
    const ids = await insertJobs(
      executor ?? this.database,
      batch.map((job) => this.newJob(queue, job.name, job.payload, options)),
    );
    if (ids.length) this.wakeAfterAdd(queue, options);
    return ids;
  }

  private newJob(queue: QueueName, name: string, payload: Record<string, unknown>, options: JobOptions): NewJob {
    const now = this.clock();
    const { delayMs, ...checked } = checkJobOptions(options);
    return { queue, name, payload, ...checked, runAt: new Date(now.getTime() + delayMs), now };
  }

  private wakeAfterAdd(queue: QueueName, options: JobOptions): void {
    // Inside a transaction the job is not visible until commit; the poll finds it then.
    if ((options.delayMs ?? 0) === 0) this.wakeups.get(queue)?.wake();
  }

  process(queue: QueueName, concurrency: number, handler: JobHandler): void {
    if (this.closing) throw new Error(`Cannot process queue ${queue}: the job queue is closed`);
    if (this.wakeups.has(queue)) throw new Error(`Queue ${queue} is already being processed by this job queue: call process once per queue`);
    checkInteger('concurrency', concurrency, 1);
    const wakeup = new Wakeup();
    this.wakeups.set(queue, wakeup);
    this.loops.push(this.runLoop(queue, concurrency, handler, wakeup));
  }

  counts(queue: QueueName): Promise<JobCounts> {
    return countJobs(this.database, queue, this.clock());
  }

  close(): Promise<void> {
    this.closing = true;
    this.closed ??= this.shutDown();
    return this.closed;
  }

  private async shutDown(): Promise<void> {
    for (const wakeup of this.wakeups.values()) wakeup.wake();
    // Draining: no new claims (the loops see `closing`), running handlers may finish and complete.
    if (this.drainMs > 0) await this.settleRunning(this.drainMs);
    for (const job of this.running) job.controller.abort(new ShutdownError('The job queue is closing'));
    // A handler that ignores the signal keeps its lease while it runs (heartbeat timers do not hold
    // the process open); if the process exits, the lease lapses and another worker retries the job.
    await this.settleRunning(this.shutdownTimeoutMs);
    await Promise.all(this.loops);
  }

  /** Waits until every running handler has settled, or `milliseconds` have passed. */
  private async settleRunning(milliseconds: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, milliseconds)));
    await Promise.race([Promise.all([...this.running].map((job) => job.settled)), timeout]);
    clearTimeout(timer);
  }

  /** Jobs this queue instance is running now. */
  busy(): number {
    return this.running.size;
  }

  private async runLoop(queue: QueueName, concurrency: number, handler: JobHandler, wakeup: Wakeup): Promise<void> {
    // Recovery runs at start, then often enough to notice a lapsed lease within about 1.5 leases.
    const recoveryIntervalMs = Math.max(this.pollIntervalMs, this.leaseMs / 2);
    let lastRecovery = Number.NEGATIVE_INFINITY;
    let failing = false;
    let active = 0;
    while (!this.closing) {
      try {
        if (performance.now() - lastRecovery >= recoveryIntervalMs) {
          // A sole worker knows at start that every active job belonged to a process that died.
          const firstRecovery = lastRecovery === Number.NEGATIVE_INFINITY;
          const now = this.clock();
          await recoverExpiredJobs(this.database, queue, now, firstRecovery && this.soleWorker ? latestDate : now);
          lastRecovery = performance.now();
        }
        while (active < concurrency && !this.closing) {
          const now = this.clock();
          // Every free slot in one claim; a claim that fills them all goes round for more.
          const claimed = await claimJobs(this.database, queue, this.workerId, now, this.leaseEnd(now), concurrency - active);
          if (claimed.length === 0) break;
          for (const { job, backoffMs } of claimed) {
            const claim = { jobId: job.id, workerId: this.workerId, attempt: job.attempt };
            if (this.closing) {
              await releaseJob(this.database, claim, this.clock());
              continue;
            }
            active += 1;
            this.start(job, claim, backoffMs, handler, () => {
              active -= 1;
              wakeup.wake();
            });
          }
        }
        failing = false;
      } catch (error) {
        // Report once per run of failures: a database that is down would otherwise log every poll.
        if (!failing) this.reportError(error);
        failing = true;
      }
      if (this.closing) break;
      await wakeup.sleep(this.pollIntervalMs);
    }
  }

  /** Runs a claimed job in the background; `onSettled` runs once its outcome is written. */
  private start(job: Job, claim: Claim, backoffMs: number, handler: JobHandler, onSettled: () => void): void {
    const controller = new AbortController();
    const running: RunningJob = { controller, settled: Promise.resolve() };
    running.settled = this.runJob(job, claim, backoffMs, handler, controller)
      .catch((error: unknown) => this.reportError(error))
      .finally(() => {
        this.running.delete(running);
        onSettled();
      });
    this.running.add(running);
  }

  private async runJob(job: Job, claim: Claim, backoffMs: number, handler: JobHandler, controller: AbortController): Promise<void> {
    const heartbeat = this.startHeartbeat(claim, controller);
    let failure: { error: unknown } | undefined;
    try {
      await handler(job, controller.signal);
    } catch (error) {
      failure = { error };
    } finally {
      await heartbeat.stop();
    }
    // Someone else holds the job now (recovered after our lease lapsed): its outcome is theirs to write.
    if (heartbeat.lost) return;
    const now = this.clock();
    if (!failure) return this.completions.complete(claim);
    if (controller.signal.reason instanceof ShutdownError) return releaseJob(this.database, claim, now);
    const retry = isRetryable(failure.error) && job.attempt < job.maxAttempts;
    const retryAt = retry ? new Date(now.getTime() + backoffDelay(backoffMs, job.attempt)) : undefined;
    await failAttempt(this.database, claim, describeError(failure.error), retryAt, now);
  }

  /** Renews the lease every third of it while the handler runs; aborts the handler if the claim is lost. */
  private startHeartbeat(claim: Claim, controller: AbortController): { readonly lost: boolean; stop(): Promise<void> } {
    let leaseEnd = this.leaseEnd(this.clock());
    let timer: NodeJS.Timeout | undefined;
    let beat: Promise<void> = Promise.resolve();
    let stopped = false;
    let lost = false;
    const loseLease = (message: string) => {
      lost = true;
      controller.abort(new LeaseLostError(message));
    };
    const renew = async () => {
      const next = this.leaseEnd(this.clock());
      try {
        if (await renewLease(this.database, claim, next)) leaseEnd = next;
        else loseLease(`Job ${claim.jobId} was taken from this worker after its lease lapsed`);
      } catch (error) {
        // A passing database error is harmless until the lease actually runs out.
        if (this.clock() >= leaseEnd) loseLease(`Job ${claim.jobId} lease could not be renewed: ${describeError(error)}`);
      }
    };
    const schedule = () => {
      timer = setTimeout(() => {
        beat = renew().finally(() => {
          if (!stopped && !lost) schedule();
        });
      }, this.leaseMs / 3);
      // Only the handler's own work should keep the process alive, not the renewal of its lease.
      timer.unref();
    };
    schedule();
    return {
      get lost() {
        return lost;
      },
      async stop() {
        stopped = true;
        clearTimeout(timer);
        await beat;
      },
    };
  }

  private leaseEnd(now: Date): Date {
    return new Date(now.getTime() + this.leaseMs);
  }
}
