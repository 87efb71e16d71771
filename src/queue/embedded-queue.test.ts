import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { describePostgres } from '../../test/support/postgres-server.ts';
import { openStore } from '../store/database.ts';
import type { Store } from '../store/database.ts';
import { jobs } from '../store/schema.ts';
import { createEmbeddedQueue } from './embedded-queue.ts';
import type { EmbeddedQueueOptions } from './embedded-queue.ts';
import type { Job, JobQueue } from './job-queue.ts';
import { claimNextJob, completeJobs } from './job-table.ts';
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

  it('completes a batch of claims in one write, each only while its own claim still holds', async () => {
    const store = await open();
    const queue = createQueue(store);
    const kept = await queue.add('merging', 'merge', {});
    const takenOver = await queue.add('merging', 'merge', {});
    const first = await claimNextJob(store.db, 'merging', 'worker-a', at(0), at(1000));
    const second = await claimNextJob(store.db, 'merging', 'worker-a', at(0), at(1000));
    const claims = [first, second].map((claimed) => ({ jobId: claimed!.job.id, workerId: 'worker-a', attempt: claimed!.job.attempt }));
    // The second job's lease lapsed and another worker holds it now.
    await store.db
      .update(jobs)
      .set({ lockedBy: 'worker-b' })
      .where(eq(jobs.id, Number(takenOver)));

    expect(await completeJobs(store.db, claims, at(10))).toEqual([kept]);
    expect(await readJob(store, kept)).toMatchObject({ status: 'completed', lockedBy: null });
    expect(await readJob(store, takenOver)).toMatchObject({ status: 'active', lockedBy: 'worker-b' });
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
    // Less than a lease on: a jump past the lease would let this queue's own recovery take the job
    // back (a second attempt) when it runs before the next renewal.
    clock.set(200);
    await waitFor(async () => expect((await readJob(store, id)).lockedUntil).toEqual(at(500)));

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
