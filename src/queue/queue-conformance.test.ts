import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe } from 'vitest';
import { describePostgres } from '../../test/support/postgres-server.ts';
import { migratedDatabaseFolders } from '../../test/support/pglite-copies.ts';
import { describeRedis } from '../../test/support/redis-server.ts';
import { openStore, type Store } from '../store/database.ts';
import { createBullmqQueue, type BullmqQueueOptions } from './bullmq-queue.ts';
import { createEmbeddedQueue, type EmbeddedQueueOptions } from './embedded-queue.ts';
import type { JobQueue } from './job-queue.ts';
import { defineQueueConformance, type QueueBackendUnderTest } from './testing/queue-conformance.ts';

/** Tracks the instances a case opens, so cleanup closes each and collects what they reported. */
function instances(store: Store) {
  const queues: JobQueue[] = [];
  const errors: unknown[] = [];
  return {
    errors,
    keep<Queue extends JobQueue>(queue: Queue): Queue {
      queues.push(queue);
      return queue;
    },
    transaction: store.db.transaction.bind(store.db) as QueueBackendUnderTest['transaction'],
    async closeAll() {
      for (const queue of queues.reverse()) await queue.close();
    },
  };
}

function embeddedBackend(store: Store): QueueBackendUnderTest {
  const opened = instances(store);
  const create = (options: EmbeddedQueueOptions) => opened.keep(createEmbeddedQueue(store.db, { pollIntervalMs: 5, ...options }));
  return {
    createQueue: (options = {}) => create({ onError: (error) => opened.errors.push(error), ...options }),
    createCrashingQueue() {
      // Its clock stands an hour back, so the lease it keeps renewing has lapsed for every other
      // instance: a process that hung (or died) past its lease. Closing it stops its claims.
      const hourAgo = new Date(Date.now() - 3_600_000);
      const queue = create({ clock: () => hourAgo, leaseMs: 1000, shutdownTimeoutMs: 0, onError: () => {} });
      return { queue, die: () => queue.close() };
    },
    transaction: opened.transaction,
    reportedErrors: () => opened.errors,
    cleanup: () => opened.closeAll(),
  };
}

function bullmqBackend(store: Store, url: string): QueueBackendUnderTest {
  const opened = instances(store);
  // Short stall checks so a dead instance's job comes back within a second or two.
  const create = (options: Omit<BullmqQueueOptions, 'url'>) =>
    opened.keep(createBullmqQueue(store.db, { url, stalledIntervalMs: 200, relayIntervalMs: 20, ...options }));
  return {
    createQueue: (options = {}) => create({ onError: (error) => opened.errors.push(error), ...options }),
    createCrashingQueue() {
      // Closing it without waiting for its handler stops the renewal of the job's lock, as a dead process would.
      const queue = create({ lockDurationMs: 1000, shutdownTimeoutMs: 0, onError: () => {} });
      return { queue, die: () => queue.close() };
    },
    transaction: opened.transaction,
    reportedErrors: () => opened.errors,
    cleanup: () => opened.closeAll(),
  };
}

/** One store for a suite's cases (opening PGlite takes a while), emptied before each case. */
function sharedStore(open: () => Promise<Store>) {
  let store: Store | undefined;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
  });
  return async () => {
    if (!store) throw new Error('The store is not open yet');
    await store.db.execute(sql`TRUNCATE jobs, job_outbox RESTART IDENTITY`);
    return store;
  };
}

const databases = migratedDatabaseFolders('mender-queue-conformance-');
afterAll(() => databases.removeAll());

describe('embedded queue on PGlite', () => {
  const emptyStore = sharedStore(async () => openStore({ directory: await databases.next() }));
  defineQueueConformance('embedded queue on PGlite', async () => embeddedBackend(await emptyStore()));
});

describePostgres('embedded queue on PostgreSQL', (getUrl) => {
  const emptyStore = sharedStore(() => openStore({ databaseUrl: getUrl() }));
  defineQueueConformance('embedded queue on PostgreSQL', async () => embeddedBackend(await emptyStore()));
});

describeRedis('BullMQ queue on Redis', (getServer) => {
  const emptyStore = sharedStore(async () => openStore({ directory: await databases.next() }));
  defineQueueConformance('BullMQ queue (outbox on PGlite)', async () => {
    await getServer().flush();
    return bullmqBackend(await emptyStore(), getServer().url);
  });
});
