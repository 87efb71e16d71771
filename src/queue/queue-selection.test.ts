import { afterEach, describe, expect, it } from 'vitest';
import { migratedDatabaseFolders } from '../../test/support/pglite-copies.ts';
import { openStore, type Store } from '../store/database.ts';
import { createEmbeddedQueue } from './embedded-queue.ts';
import { takeQueues } from './queue-selection.ts';
import { registerQueueMetrics } from './queue-metrics.ts';
import { Registry } from 'prom-client';

describe('a process that takes only some queues', () => {
  const databases = migratedDatabaseFolders('mender-queue-selection-');
  const stores: Store[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    databases.removeAll();
  });

  it('adds to every queue but runs the jobs of the queues it takes only', async () => {
    const store = await openStore({ directory: await databases.next() });
    stores.push(store);
    const queue = takeQueues(createEmbeddedQueue(store.db, { pollIntervalMs: 10 }), ['execution']);
    const ran: string[] = [];
    queue.process('planning', 1, async (job) => void ran.push(job.name));
    queue.process('execution', 1, async (job) => void ran.push(job.name));
    await queue.add('planning', 'plan', {});
    await queue.add('execution', 'execute', {});
    for (let tries = 0; tries < 200 && ran.length < 1; tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ran).toEqual(['execute']);
    expect(await queue.counts('planning')).toMatchObject({ waiting: 1, active: 0 });
    await queue.close();
  });

  it('reports the jobs of each queue by state and the jobs running in this process', async () => {
    const store = await openStore({ directory: await databases.next() });
    stores.push(store);
    const queue = createEmbeddedQueue(store.db, { pollIntervalMs: 10 });
    const registry = new Registry();
    registerQueueMetrics(registry, queue);
    await queue.add('execution', 'now', {});
    await queue.add('execution', 'later', {}, { delayMs: 60_000 });
    await queue.add('planning', 'plan', {});
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    queue.process('planning', 1, async () => {
      started = true;
      await released;
    });
    for (let tries = 0; tries < 200 && !started; tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    const text = await registry.metrics();
    expect(text).toContain('mender_queue_jobs{queue="execution",state="waiting"} 1');
    expect(text).toContain('mender_queue_jobs{queue="execution",state="delayed"} 1');
    expect(text).toContain('mender_queue_jobs{queue="planning",state="active"} 1');
    expect(text).toContain('mender_queue_jobs{queue="planning",state="waiting"} 0');
    expect(text).toContain('mender_worker_busy 1');
    release();
    await queue.close();
    expect(await registry.metrics()).toContain('mender_worker_busy 0');
  });
});
