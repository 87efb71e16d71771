import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { migratedDatabaseFolders } from '../../test/support/pglite-copies.ts';
import { describeRedis } from '../../test/support/redis-server.ts';
import { openStore, type Store } from '../store/database.ts';
import { jobOutbox } from '../store/schema.ts';
import { bullmqPriority, createBullmqQueue } from './bullmq-queue.ts';
import type { Job } from './job-queue.ts';
import { checkJobOptions } from './job-options.ts';
import { writeOutboxJobs } from './job-outbox.ts';

it('keeps the order of Mender priorities in BullMQ, where 0 means none and would run first', () => {
  const priorities = [-2_000_000, -1_048_575, -1, 0, 1, 1_048_575, 2_000_000].map(bullmqPriority);
  expect(priorities).toEqual([1, 1, 1_048_575, 1_048_576, 1_048_577, 2_097_151, 2_097_151]);
});

describeRedis('BullMQ queue', (getServer) => {
  const databases = migratedDatabaseFolders('mender-bullmq-');
  let store: Store;

  beforeAll(async () => {
    store = await openStore({ directory: await databases.next() });
  });
  afterAll(async () => {
    await store.close();
    databases.removeAll();
  });

  it('adds an outbox row once even when a relay stopped after adding it to Redis and before deleting it', async () => {
    await getServer().flush();
    const options = checkJobOptions({});
    const [jobId] = (await writeOutboxJobs(store.db, [{ queue: 'planning', name: 'plan', payload: { n: 1 }, options }], new Date())) as [string];
    // The relay that stopped: it added the row's job to Redis, and the row stayed.
    const connection = new Redis(getServer().url, { maxRetriesPerRequest: null });
    const crashedRelay = new Queue('planning', { connection, prefix: 'mender' });
    await crashedRelay.add('plan', { n: 1 }, { jobId });
    await crashedRelay.close();
    connection.disconnect();

    const errors: unknown[] = [];
    const queue = createBullmqQueue(store.db, { url: getServer().url, relayIntervalMs: 20, onError: (error) => errors.push(error) });
    try {
      await vi.waitFor(async () => expect(await store.db.select().from(jobOutbox)).toEqual([]), { timeout: 10_000, interval: 10 });
      expect(await queue.counts('planning')).toEqual({ waiting: 1, delayed: 0, active: 0, completed: 0, failed: 0 });
      const handled: Job[] = [];
      queue.process('planning', 1, async (job) => void handled.push(job));
      await vi.waitFor(async () => expect((await queue.counts('planning')).completed).toBe(1), { timeout: 10_000, interval: 10 });
      expect(handled.map((job) => [job.id, job.payload])).toEqual([[jobId, { n: 1 }]]);
    } finally {
      await queue.close();
    }
    expect(errors).toEqual([]);
  });

  it('answers a ping while Redis is up', async () => {
    const queue = createBullmqQueue(store.db, { url: getServer().url });
    await expect(queue.ping()).resolves.toBeUndefined();
    await queue.close();
  });
});
