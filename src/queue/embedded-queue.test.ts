import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { describePostgres } from '../../test/support/postgres-server.ts';
import { openStore } from '../store/database.ts';
import type { Store } from '../store/database.ts';
import { jobs } from '../store/schema.ts';
import { createEmbeddedQueue } from './embedded-queue.ts';
import type { EmbeddedQueueOptions } from './embedded-queue.ts';
import type { Job, JobQueue } from './job-queue.ts';
import { claimNextJob } from './job-table.ts';
import { PermanentJobError } from './permanent-job-error.ts';
import { migratedDatabaseFolders } from '../../test/support/pglite-copies.ts';

/** One database a test can open several times, as restarting processes would. */
interface TestDatabase {
  open(): Promise<Store>;
}

const start = new Date('2030-01-01T00:00:00.000Z');
const at = (milliseconds: number) => new Date(start.getTime() + milliseconds);

/** A clock the test moves by hand, so due times and leases never depend on how fast the machine is. */
function fakeClock(now = start) {
  const clock = { now, read: () => clock.now, set: (milliseconds: number) => (clock.now = at(milliseconds)) };
  return clock;
}

function waitFor(check: () => unknown): Promise<void> {
  return vi.waitFor(async () => void (await check()), { timeout: 10_000, interval: 10 });
}

async function readJob(store: Store, id: string) {
  const [row] = await store.db
    .select()
    .from(jobs)
    .where(eq(jobs.id, Number(id)));
  if (!row) throw new Error(`job ${id} is not stored`);
  return row;
}

function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function defineQueueTests(newDatabase: () => Promise<TestDatabase>): void {
  let database: TestDatabase;
  let stores: Store[] = [];
  let queues: JobQueue[] = [];
  let errors: unknown[] = [];

  beforeEach(async () => {
    database = await newDatabase();
  });

  afterEach(async () => {
    for (const queue of queues.reverse()) await queue.close();
    for (const store of stores.reverse()) await store.close().catch(() => undefined);
    queues = [];
    stores = [];
    const reported = errors;
    errors = [];
    expect(reported).toEqual([]);
  });

  async function open(): Promise<Store> {
    const store = await database.open();
    stores.push(store);
    return store;
  }

  function createQueue(store: Store, options: EmbeddedQueueOptions = {}): JobQueue {
    const queue = createEmbeddedQueue(store.db, { pollIntervalMs: 5, onError: (error) => errors.push(error), ...options });
    queues.push(queue);
    return queue;
  }

  it('keeps an accepted job when the store is closed and reopened', async () => {
    const first = await open();
    const id = await createQueue(first).add('planning', 'plan', { operationId: 'op1' });
    await first.close();

    const second = await open();
    const queue = createQueue(second);
    expect(await queue.counts('planning')).toEqual({ waiting: 1, delayed: 0, active: 0, completed: 0, failed: 0 });
    const handled: Job[] = [];
    queue.process('planning', 1, async (job) => void handled.push(job));
    await waitFor(async () => expect((await readJob(second, id)).status).toBe('completed'));
    expect(handled).toEqual([{ id, queue: 'planning', name: 'plan', payload: { operationId: 'op1' }, attempt: 1, maxAttempts: 3 }]);
  });

  it('retries a job whose worker crashed once its lease has expired, and not before', async () => {
    const clock = fakeClock();
    const first = await open();
    const crashed = createQueue(first, { clock: clock.read, leaseMs: 30_000, onError: () => {} });
    const id = await crashed.add('execution', 'edit', {});
    const started = gate();
    crashed.process('execution', 1, async (_job, signal) => {
      started.open();
      await untilAborted(signal);
    });
    await started.opened;
    expect(await readJob(first, id)).toMatchObject({ status: 'active', attempts: 1, lockedUntil: at(30_000) });
    // The process dies: its database connection goes and nothing renews the lease or finishes the job.
    await first.close();
    await crashed.close();

    const second = await open();
    const handled: Job[] = [];
    const record = async (job: Job) => void handled.push(job);

    const early = createQueue(second, { clock: fakeClock(at(29_999)).read });
    early.process('execution', 1, record);
    // The marker has a lower priority: a pass that claims it would have claimed the crashed job first.
    const marker = await early.add('execution', 'marker', {}, { priority: 1 });
    await waitFor(async () => expect((await readJob(second, marker)).status).toBe('completed'));
    await early.close();
    expect(handled.map((job) => job.name)).toEqual(['marker']);
    expect((await readJob(second, id)).status).toBe('active');

    const late = createQueue(second, { clock: fakeClock(at(30_001)).read });
    late.process('execution', 1, record);
    await waitFor(async () => expect((await readJob(second, id)).status).toBe('completed'));
    expect(handled.map((job) => [job.name, job.attempt])).toEqual([
      ['marker', 1],
      ['edit', 2],
    ]);
  });

  it('ends failed a job whose worker died during its last attempt', async () => {
    const clock = fakeClock();
    const store = await open();
    const queue = createQueue(store, { clock: clock.read, leaseMs: 1000 });
    const id = await queue.add('merging', 'merge', {}, { maxAttempts: 1 });
    // A worker that claims the job and dies before finishing it.
    await claimNextJob(store.db, 'merging', 'dead-worker', at(0), at(1000));

    clock.set(1001);
    const handled: Job[] = [];
    queue.process('merging', 1, async (job) => void handled.push(job));
    await waitFor(async () => expect((await readJob(store, id)).status).toBe('failed'));
    expect((await readJob(store, id)).lastError).toMatch(/lease expired/);
    expect(handled).toEqual([]);
  });

  it('backs off exponentially between attempts and keeps the last error', async () => {
    const clock = fakeClock();
    const store = await open();
    const queue = createQueue(store, { clock: clock.read });
    const id = await queue.add('execution', 'flaky', {}, { maxAttempts: 3, backoffMs: 1000 });
    const attempts: number[] = [];
    queue.process('execution', 1, async (job) => {
      if (job.name === 'marker') return;
      attempts.push(job.attempt);
      throw new Error(`boom ${job.attempt}`);
    });

    await waitFor(async () => expect(await readJob(store, id)).toMatchObject({ status: 'waiting', attempts: 1 }));
    expect(await readJob(store, id)).toMatchObject({ runAt: at(1000), lastError: 'Error: boom 1', lockedBy: null });

    // Not due yet: a lower-priority marker runs, and the flaky job is not tried again.
    clock.set(999);
    const marker = await queue.add('execution', 'marker', {}, { priority: 1 });
    await waitFor(async () => expect((await readJob(store, marker)).status).toBe('completed'));
    expect(attempts).toEqual([1]);

    clock.set(1000);
    await waitFor(async () => expect(await readJob(store, id)).toMatchObject({ status: 'waiting', attempts: 2 }));
    expect((await readJob(store, id)).runAt).toEqual(at(1000 + 2000));

    clock.set(3000);
    await waitFor(async () => expect((await readJob(store, id)).status).toBe('failed'));
    expect(await readJob(store, id)).toMatchObject({ attempts: 3, lastError: 'Error: boom 3', runAt: at(3000) });
    expect(attempts).toEqual([1, 2, 3]);
    expect(await queue.counts('execution')).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 1, failed: 1 });
  });

  it('fails at once, without retry, when the handler says the error is not retryable', async () => {
    const store = await open();
    const queue = createQueue(store);
    const id = await queue.add('planning', 'plan', {}, { maxAttempts: 5 });
    let calls = 0;
    queue.process('planning', 1, async () => {
      calls += 1;
      throw new PermanentJobError('operation op1 does not exist');
    });
    await waitFor(async () => expect((await readJob(store, id)).status).toBe('failed'));
    expect(await readJob(store, id)).toMatchObject({ attempts: 1, lastError: 'PermanentJobError: operation op1 does not exist' });
    expect(calls).toBe(1);
  });

  it('runs lower priority numbers first, then older jobs, and holds delayed jobs back', async () => {
    const store = await open();
    const queue = createQueue(store, { clock: fakeClock().read });
    await queue.add('planning', 'c', {}, { priority: 10 });
    await queue.add('planning', 'a1', {});
    await queue.add('planning', 'delayed', {}, { priority: -5, delayMs: 1 });
    await queue.add('planning', 'b', {}, { priority: 5 });
    await queue.add('planning', 'a2', {});
    await queue.add('planning', 'first', {}, { priority: -1 });
    const order: string[] = [];
    queue.process('planning', 1, async (job) => void order.push(job.name));
    await waitFor(async () => expect((await queue.counts('planning')).completed).toBe(5));
    expect(order).toEqual(['first', 'a1', 'a2', 'b', 'c']);
    expect(await queue.counts('planning')).toEqual({ waiting: 0, delayed: 1, active: 0, completed: 5, failed: 0 });
  });

  it('never runs more jobs of a queue at once than its concurrency, and queues do not block each other', async () => {
    const store = await open();
    const queue = createQueue(store);
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
    // Several poll intervals: a queue ignoring its limit would have started a third job by now.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await queue.counts('planning')).toEqual({ waiting: 4, delayed: 0, active: 2, completed: 0, failed: 0 });
    release.open();
    await waitFor(async () => expect((await queue.counts('planning')).completed).toBe(6));
    expect(mostRunning).toBe(2);
  });

  it('adds a job once per dedupe key while it is waiting or running', async () => {
    const store = await open();
    const queue = createQueue(store);
    const first = await queue.add('planning', 'plan', { version: 1 }, { dedupeKey: 'plan:op1' });
    expect(await queue.add('planning', 'plan', { version: 2 }, { dedupeKey: 'plan:op1' })).toBe(first);
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

  it('adds a job atomically with a transaction', async () => {
    const store = await open();
    const queue = createQueue(store);
    const rolledBack = store.db.transaction(async (transaction) => {
      await queue.add('merging', 'merge', {}, {}, transaction);
      throw new Error('state change rejected');
    });
    await expect(rolledBack).rejects.toThrow('state change rejected');
    expect(await queue.counts('merging')).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 });

    const id = await store.db.transaction((transaction) => queue.add('merging', 'merge', { committed: true }, {}, transaction));
    expect(await readJob(store, id)).toMatchObject({ status: 'waiting', payload: { committed: true } });
  });

  it('adds many jobs in one write, in order, atomically with a transaction, and runs each once', async () => {
    const store = await open();
    const queue = createQueue(store);
    const rolledBack = store.db.transaction(async (transaction) => {
      await queue.addMany('webhooks', [{ name: 'slack', payload: { n: 0 } }], {}, transaction);
      throw new Error('batch rejected');
    });
    await expect(rolledBack).rejects.toThrow('batch rejected');
    expect(await queue.counts('webhooks')).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 });

    const batch = [1, 2, 3].map((n) => ({ name: n === 2 ? 'jira' : 'slack', payload: { n } }));
    const ids = await store.db.transaction((transaction) => queue.addMany('webhooks', batch, { maxAttempts: 5, backoffMs: 10 }, transaction));
    expect(ids).toHaveLength(3);
    for (const [index, id] of ids.entries())
      expect(await readJob(store, id)).toMatchObject({
        status: 'waiting',
        name: batch[index]!.name,
        payload: batch[index]!.payload,
        maxAttempts: 5,
        backoffMs: 10,
      });
    expect(await queue.addMany('webhooks', [])).toEqual([]);
    await expect(queue.addMany('webhooks', batch, { maxAttempts: 0 })).rejects.toThrow('maxAttempts must be a whole number');

    const seen: unknown[] = [];
    queue.process('webhooks', 2, async (job) => void seen.push(job.payload.n));
    await waitFor(async () => expect((await queue.counts('webhooks')).completed).toBe(3));
    expect(seen.sort()).toEqual([1, 2, 3]);
  });

  it('starts a job added in the same process without waiting for the next poll', async () => {
    const store = await open();
    const queue = createQueue(store, { pollIntervalMs: 60_000 });
    const handled: string[] = [];
    queue.process('planning', 1, async (job) => void handled.push(job.id));
    const id = await queue.add('planning', 'plan', {});
    await vi.waitFor(() => expect(handled).toEqual([id]), { timeout: 5_000, interval: 10 });
  });

  it('renews the lease of a running job, and aborts the job when its lease is taken', async () => {
    const clock = fakeClock();
    const store = await open();
    const queue = createQueue(store, { clock: clock.read, leaseMs: 300 });
    const id = await queue.add('execution', 'edit', {});
    let abortReason: unknown;
    queue.process('execution', 1, async (_job, signal) => {
      await untilAborted(signal);
      abortReason = signal.reason;
    });
    await waitFor(async () => expect((await readJob(store, id)).lockedUntil).toEqual(at(300)));
    clock.set(10_000);
    await waitFor(async () => expect((await readJob(store, id)).lockedUntil).toEqual(at(10_300)));

    // Another worker recovered the job (say this process hung past its lease).
    await store.db
      .update(jobs)
      .set({ lockedBy: 'another-worker' })
      .where(eq(jobs.id, Number(id)));
    await waitFor(() => expect(abortReason).toBeInstanceOf(Error));
    expect((abortReason as Error).name).toBe('LeaseLostError');
    await queue.close();
    // The job is the other worker's now: this one wrote no outcome.
    expect(await readJob(store, id)).toMatchObject({ status: 'active', lockedBy: 'another-worker', attempts: 1 });
  });

  it('on close, aborts running handlers and puts their jobs back without using up an attempt', async () => {
    const store = await open();
    const queue = createQueue(store);
    const id = await queue.add('execution', 'edit', {});
    const started = gate();
    queue.process('execution', 1, async (_job, signal) => {
      started.open();
      await untilAborted(signal);
      throw signal.reason;
    });
    await started.opened;
    await queue.close();
    expect(await readJob(store, id)).toMatchObject({ status: 'waiting', attempts: 0, lockedBy: null });

    const next = createQueue(store);
    const attempts: number[] = [];
    next.process('execution', 1, async (job) => void attempts.push(job.attempt));
    await waitFor(async () => expect((await readJob(store, id)).status).toBe('completed'));
    expect(attempts).toEqual([1]);
  });

  it('with a drain, lets running handlers finish before it closes, and takes no new job meanwhile', async () => {
    const store = await open();
    const queue = createQueue(store, { drainMs: 5_000 });
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
    const second = await queue.add('execution', 'edit', {});
    // Several poll intervals: a queue still claiming would have started the second job by now.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await readJob(store, second)).toMatchObject({ status: 'waiting', attempts: 0 });
    release.open();
    await closed;
    expect(queue.busy()).toBe(0);
    expect(await readJob(store, first)).toMatchObject({ status: 'completed', attempts: 1 });
    expect(await readJob(store, second)).toMatchObject({ status: 'waiting', attempts: 0 });
    expect(ran).toEqual([first]);
  });
}

describe('embedded queue on PGlite', () => {
  const databases = migratedDatabaseFolders('mender-queue-');
  afterEach(() => databases.removeAll());
  defineQueueTests(async () => {
    const directory = await databases.next();
    return { open: () => openStore({ directory }) };
  });
});

describePostgres('embedded queue on PostgreSQL', (getUrl) => {
  defineQueueTests(async () => {
    const store = await openStore({ databaseUrl: getUrl() });
    await store.db.execute(sql`TRUNCATE jobs RESTART IDENTITY`);
    await store.close();
    return { open: () => openStore({ databaseUrl: getUrl() }) };
  });
});
