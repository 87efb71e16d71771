import type { Settings } from '../config/settings-schema.ts';
import { createEmbeddedQueue } from '../queue/embedded-queue.ts';
import type { JobQueue } from '../queue/job-queue.ts';
import type { Store } from '../store/database.ts';

/** The job queue this process uses, and how `/ready` asks its own server when it has one. */
export interface JobQueueBackend {
  queue: JobQueue;
  kind: 'embedded' | 'bullmq';
  ping?: () => Promise<void>;
}

type QueueSettings = Pick<Settings, 'queueUrl' | 'jobLeaseSeconds' | 'drainSeconds'>;

/**
 * BullMQ on Redis when MENDER_QUEUE_URL is set (its outbox lives in the store, PGlite or
 * PostgreSQL), else the embedded queue in the store's `jobs` table.
 */
export async function createJobQueueBackend(store: Store, settings: QueueSettings, workerId: string): Promise<JobQueueBackend> {
  const leaseMs = settings.jobLeaseSeconds * 1000;
  const drainMs = settings.drainSeconds * 1000;
  if (settings.queueUrl) {
    // Loaded only when chosen: BullMQ and ioredis are a large module graph every start would pay for.
    const { createBullmqQueue } = await import('../queue/bullmq-queue.ts');
    // Stall checks every half lease: a dead process's job is back within about 1.5 leases, as embedded.
    const queue = createBullmqQueue(store.db, { url: settings.queueUrl, lockDurationMs: leaseMs, stalledIntervalMs: leaseMs / 2, drainMs });
    return { queue, kind: 'bullmq', ping: () => queue.ping() };
  }
  const queue = createEmbeddedQueue(store.db, { workerId, soleWorker: store.kind === 'pglite', leaseMs, drainMs });
  return { queue, kind: 'embedded' };
}
