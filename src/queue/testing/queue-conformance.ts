import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Executor } from '../../store/database.ts';
import type { Job, JobCounts, JobQueue } from '../job-queue.ts';
import { PermanentJobError } from '../permanent-job-error.ts';

/** A queue backend set up for the conformance suite, over fresh state (an empty store, an empty Redis). */
export interface QueueBackendUnderTest {
  /** A new queue instance over the same state, as another process or a restart would open. */
  createQueue(options?: { drainMs?: number }): JobQueue;
  /**
   * An instance that will die with a job running (a crashed or hung process): after `die`, the
   * lock or lease of its running job lapses without being renewed, and it writes no outcome.
   */
  createCrashingQueue(): { queue: JobQueue; die(): Promise<void> };
  /** Runs `work` in a transaction of the database the backend writes to atomically. */
  transaction<T>(work: (executor: Executor) => Promise<T>): Promise<T>;
  /** Errors the instances reported in the background (the crashing one excepted). */
  reportedErrors(): unknown[];
  /** Closes every instance and removes the state. */
  cleanup(): Promise<void>;
}

const none: JobCounts = { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 };

function waitFor(check: () => unknown): Promise<void> {
  return vi.waitFor(async () => void (await check()), { timeout: 15_000, interval: 10 });
}

function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** What every job-queue backend must do (src/queue/job-queue.ts): one suite, run against each backend. */
export function defineQueueConformance(name: string, setUp: () => Promise<QueueBackendUnderTest>): void {
  describe(`the ${name} meets the job queue contract`, () => {
    let backend: QueueBackendUnderTest;
    // Handlers left hanging by a case are let go after it, so nothing outlives the test.
    let hanging: (() => void)[] = [];

    beforeEach(async () => {
      backend = await setUp();
    });

    afterEach(async () => {
      for (const release of hanging) release();
      hanging = [];
      const errors = backend.reportedErrors();
      await backend.cleanup();
      expect(errors).toEqual([]);
    });

    it('keeps an accepted job for the next instance, and hands it over as it was added', async () => {
      const first = backend.createQueue();
      const id = await first.add('planning', 'plan', { operationId: 'op1' });
      await first.close();

      const second = backend.createQueue();
      expect(await second.counts('planning')).toEqual({ ...none, waiting: 1 });
      const handled: Job[] = [];
      second.process('planning', 1, async (job) => void handled.push(job));
      await waitFor(async () => expect((await second.counts('planning')).completed).toBe(1));
      expect(handled).toEqual([{ id, queue: 'planning', name: 'plan', payload: { operationId: 'op1' }, attempt: 1, maxAttempts: 3 }]);
    });

    it('runs lower priority numbers first (a P0 overtakes), then older jobs, and holds delayed jobs back', async () => {
      const queue = backend.createQueue();
      await queue.add('planning', 'c', {}, { priority: 10 });
      await queue.add('planning', 'a1', {});
      await queue.add('planning', 'delayed', {}, { priority: -5, delayMs: 60_000 });
      await queue.add('planning', 'b', {}, { priority: 5 });
      await queue.add('planning', 'a2', {});
      await queue.add('planning', 'first', {}, { priority: -1 });
      expect(await queue.counts('planning')).toEqual({ ...none, waiting: 5, delayed: 1 });
      const order: string[] = [];
      queue.process('planning', 1, async (job) => void order.push(job.name));
      await waitFor(async () => expect((await queue.counts('planning')).completed).toBe(5));
      expect(order).toEqual(['first', 'a1', 'a2', 'b', 'c']);
      expect(await queue.counts('planning')).toEqual({ ...none, delayed: 1, completed: 5 });
    });

    it('starts a delayed job once its delay has passed, not before', async () => {
      const queue = backend.createQueue();
      const started: number[] = [];
      queue.process('merging', 1, async () => void started.push(Date.now()));
      const added = Date.now();
      await queue.add('merging', 'merge', {}, { delayMs: 300 });
      await waitFor(() => expect(started).toHaveLength(1));
      expect(started[0]! - added).toBeGreaterThanOrEqual(300);
    });

    it('backs off exponentially between attempts, then ends the job failed', async () => {
      const queue = backend.createQueue();
      await queue.add('execution', 'flaky', {}, { maxAttempts: 3, backoffMs: 100 });
      const attempts: { attempt: number; failedAt: number }[] = [];
      queue.process('execution', 1, async (job) => {
        attempts.push({ attempt: job.attempt, failedAt: Date.now() });
        throw new Error(`boom ${job.attempt}`);
      });
      await waitFor(async () => expect((await queue.counts('execution')).failed).toBe(1));
      expect(attempts.map((attempt) => attempt.attempt)).toEqual([1, 2, 3]);
      // The second attempt waits the base, the third twice the base (1 ms of slack for clock rounding).
      expect(attempts[1]!.failedAt - attempts[0]!.failedAt).toBeGreaterThanOrEqual(99);
      expect(attempts[2]!.failedAt - attempts[1]!.failedAt).toBeGreaterThanOrEqual(199);
      expect(await queue.counts('execution')).toEqual({ ...none, failed: 1 });
    });

    it('fails at once, without retry, when the handler says the error is not retryable', async () => {
      const queue = backend.createQueue();
      await queue.add('planning', 'plan', {}, { maxAttempts: 5 });
      let calls = 0;
      queue.process('planning', 1, async () => {
        calls += 1;
        throw new PermanentJobError('operation op1 does not exist');
      });
      await waitFor(async () => expect((await queue.counts('planning')).failed).toBe(1));
      expect(calls).toBe(1);
    });

    it('never runs more jobs of a queue at once than its concurrency, and queues do not block each other', async () => {
      const queue = backend.createQueue();
      for (let index = 0; index < 6; index += 1) await queue.add('planning', `plan ${index}`, {});
      await queue.add('execution', 'edit', {});
      const release = gate();
      let running = 0;
      let mostRunning = 0;
      queue.process('planning', 2, async () => {
        running += 1;
        mostRunning = Math.max(mostRunning, running);
        await release.opened;
        running -= 1;
      });
      let executed = false;
      queue.process('execution', 1, async () => void (executed = true));

      await waitFor(() => expect(running).toBe(2));
      await waitFor(() => expect(executed).toBe(true));
      await waitFor(() => expect(queue.busy()).toBe(2));
      // A while longer: a queue ignoring its limit would have started a third job by now.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await queue.counts('planning')).toEqual({ ...none, waiting: 4, active: 2 });
      release.open();
      await waitFor(async () => expect((await queue.counts('planning')).completed).toBe(6));
      expect(mostRunning).toBe(2);
      expect(queue.busy()).toBe(0);
    });

    it('adds a job once per dedupe key while it is waiting or running, inside a transaction too', async () => {
      const queue = backend.createQueue();
      const first = await queue.add('planning', 'plan', { version: 1 }, { dedupeKey: 'plan:op1' });
      expect(await queue.add('planning', 'plan', { version: 2 }, { dedupeKey: 'plan:op1' })).toBe(first);
      expect(await backend.transaction((executor) => queue.add('planning', 'plan', { version: 2 }, { dedupeKey: 'plan:op1' }, executor))).toBe(first);
      const other = await queue.add('planning', 'plan', {}, { dedupeKey: 'plan:op2' });
      expect(other).not.toBe(first);
      expect((await queue.counts('planning')).waiting).toBe(2);

      const payloads: unknown[] = [];
      queue.process('planning', 1, async (job) => void payloads.push(job.payload));
      await waitFor(async () => expect((await queue.counts('planning')).completed).toBe(2));
      // Once finished, the key is free: the same work can be asked for again.
      const again = await queue.add('planning', 'plan', { version: 3 }, { dedupeKey: 'plan:op1' });
      expect(again).not.toBe(first);
      await waitFor(async () => expect((await queue.counts('planning')).completed).toBe(3));
      expect(payloads).toEqual([{ version: 1 }, {}, { version: 3 }]);
    });

    it('adds a job atomically with a transaction: a rollback leaves nothing, a commit a job under the id returned', async () => {
      const queue = backend.createQueue();
      const rolledBack = backend.transaction(async (executor) => {
        await queue.add('merging', 'merge', {}, {}, executor);
        throw new Error('state change rejected');
      });
      await expect(rolledBack).rejects.toThrow('state change rejected');
      expect(await queue.counts('merging')).toEqual(none);

      const id = await backend.transaction((executor) => queue.add('merging', 'merge', { committed: true }, {}, executor));
      const handled: Job[] = [];
      queue.process('merging', 1, async (job) => void handled.push(job));
      await waitFor(async () => expect((await queue.counts('merging')).completed).toBe(1));
      expect(handled.map((job) => [job.id, job.payload])).toEqual([[id, { committed: true }]]);
    });

    it('adds many jobs in one write, in order, atomically with a transaction, and runs each once', async () => {
      const queue = backend.createQueue();
      const rolledBack = backend.transaction(async (executor) => {
        await queue.addMany('webhooks', [{ name: 'slack', payload: { n: 0 } }], {}, executor);
        throw new Error('batch rejected');
      });
      await expect(rolledBack).rejects.toThrow('batch rejected');
      expect(await queue.counts('webhooks')).toEqual(none);

      const batch = [1, 2, 3].map((n) => ({ name: n === 2 ? 'jira' : 'slack', payload: { n } }));
      const ids = await backend.transaction((executor) => queue.addMany('webhooks', batch, { maxAttempts: 5, backoffMs: 10 }, executor));
      expect(new Set(ids).size).toBe(3);
      expect(await queue.addMany('webhooks', [])).toEqual([]);
      await expect(queue.addMany('webhooks', batch, { maxAttempts: 0 })).rejects.toThrow('maxAttempts must be a whole number');

      const seen: Job[] = [];
      queue.process('webhooks', 2, async (job) => void seen.push(job));
      await waitFor(async () => expect((await queue.counts('webhooks')).completed).toBe(3));
      const byId = new Map(seen.map((job) => [job.id, job]));
      expect(ids.map((id) => [byId.get(id)?.name, byId.get(id)?.payload, byId.get(id)?.maxAttempts])).toEqual(batch.map((job) => [job.name, job.payload, 5]));
    });

    it('runs a job again elsewhere when the instance running it dies', async () => {
      const crashing = backend.createCrashingQueue();
      const id = await crashing.queue.add('execution', 'edit', {});
      const started = gate();
      const hang = gate();
      hanging.push(hang.open);
      // The dying instance's handler never returns, whatever its signal says: the process is gone.
      crashing.queue.process('execution', 1, async () => {
        started.open();
        await hang.opened;
      });
      await started.opened;
      await crashing.die();

      const survivor = backend.createQueue();
      const handled: string[] = [];
      survivor.process('execution', 1, async (job) => void handled.push(job.id));
      await waitFor(() => expect(handled).toEqual([id]));
      await waitFor(async () => expect((await survivor.counts('execution')).completed).toBe(1));
    });

    it('on close, aborts running handlers and puts their jobs back without using up an attempt', async () => {
      const queue = backend.createQueue();
      const id = await queue.add('execution', 'edit', {});
      const started = gate();
      queue.process('execution', 1, async (_job, signal) => {
        started.open();
        await untilAborted(signal);
        throw signal.reason;
      });
      await started.opened;
      await queue.close();
      const next = backend.createQueue();
      expect(await next.counts('execution')).toEqual({ ...none, waiting: 1 });

      const attempts: [string, number][] = [];
      next.process('execution', 1, async (job) => void attempts.push([job.id, job.attempt]));
      await waitFor(async () => expect((await next.counts('execution')).completed).toBe(1));
      expect(attempts).toEqual([[id, 1]]);
    });

    it('with a drain, lets running handlers finish before it closes, and takes no new job meanwhile', async () => {
      const queue = backend.createQueue({ drainMs: 5_000 });
      const first = await queue.add('execution', 'edit', {});
      const started = gate();
      const release = gate();
      const ran: string[] = [];
      queue.process('execution', 2, async (job, signal) => {
        ran.push(job.id);
        started.open();
        await Promise.race([release.opened, untilAborted(signal)]);
        if (signal.aborted) throw signal.reason;
      });
      await started.opened;
      expect(queue.busy()).toBe(1);
      const closed = queue.close();
      await queue.add('execution', 'edit', {});
      // A while: a queue still taking jobs would have started the second one by now.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(ran).toEqual([first]);
      release.open();
      await closed;
      expect(queue.busy()).toBe(0);
      expect(ran).toEqual([first]);
      const after = backend.createQueue();
      expect(await after.counts('execution')).toEqual({ ...none, waiting: 1, completed: 1 });
    });
  });
}
