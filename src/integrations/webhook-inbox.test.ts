import { afterEach, describe, expect, it, vi } from 'vitest';
import { migratedDatabaseFolders } from '../../test/support/pglite-copies.ts';
import { openStore, type Store } from '../store/database.ts';
import { createEmbeddedQueue } from '../queue/embedded-queue.ts';
import type { JobQueue } from '../queue/job-queue.ts';
import { PermanentJobError } from '../queue/permanent-job-error.ts';
import type { Logger } from '../logging/logger.ts';
import { WebhookInbox, type DeliveryForProcessing } from './webhook-inbox.ts';

const folders = migratedDatabaseFolders('mender-inbox-');
const opened: { store: Store; queue: JobQueue }[] = [];
const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

async function openInbox(options: ConstructorParameters<typeof WebhookInbox>[3] = {}) {
  const store = await openStore({ directory: await folders.next() });
  const queue = createEmbeddedQueue(store.db, { soleWorker: true, pollIntervalMs: 20 });
  opened.push({ store, queue });
  return { store, queue, inbox: new WebhookInbox(store.db, queue, silent, { backoffMs: 10, ...options }) };
}

afterEach(async () => {
  for (const { store, queue } of opened.splice(0)) {
    await queue.close();
    await store.close();
  }
  folders.removeAll();
});

const waitFor = (check: () => unknown) => vi.waitFor(async () => void (await check()), { timeout: 10_000, interval: 20 });

describe('WebhookInbox', () => {
  it('stores a delivery once, processes it once, and records the outcome', async () => {
    const { inbox } = await openInbox();
    const seen: DeliveryForProcessing[] = [];
    inbox.handle('jira', async (delivery) => {
      seen.push(delivery);
      return 'operation abc created';
    });
    const first = await inbox.accept({ source: 'jira', deliveryId: 'd-1', kind: 'issue.created', payload: { key: 'SHOP-1' } });
    const again = await inbox.accept({ source: 'jira', deliveryId: 'd-1', kind: 'issue.created', payload: { key: 'SHOP-1', changed: true } });
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ duplicate: true, id: first.id });
    // The same delivery id from another source is another delivery.
    expect((await inbox.accept({ source: 'sentry', deliveryId: 'd-1', kind: 'issue', payload: {} })).duplicate).toBe(false);
    expect(await inbox.count('jira')).toBe(1);

    inbox.handle('sentry', async () => 'ignored');
    inbox.start();
    await waitFor(async () => expect((await inbox.get(first.id))?.status).toBe('processed'));
    const row = await inbox.get(first.id);
    expect(row).toMatchObject({ attempts: 1, outcome: 'operation abc created', lastError: null });
    expect(row?.processedAt).toBeInstanceOf(Date);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ source: 'jira', deliveryId: 'd-1', payload: { key: 'SHOP-1' }, attempt: 1 });
  });

  it('retries a failing processor with backoff, keeping attempts and the last error visible, until it fails for good', async () => {
    const { inbox } = await openInbox({ maxAttempts: 3 });
    let calls = 0;
    inbox.handle('slack', async () => {
      calls += 1;
      throw new Error(`Slack answered 500 (call ${calls})`);
    });
    inbox.start();
    const { id } = await inbox.accept({ source: 'slack', deliveryId: 'x', kind: 'slash_command', payload: {} });
    await waitFor(async () => expect((await inbox.get(id))?.status).toBe('failed'));
    expect(await inbox.get(id)).toMatchObject({ attempts: 3, lastError: 'Slack answered 500 (call 3)' });
    expect(calls).toBe(3);
    expect((await inbox.list({ status: 'failed' })).map((row) => row.id)).toEqual([id]);
  });

  it('succeeds on a later attempt after a passing failure', async () => {
    const { inbox } = await openInbox();
    let calls = 0;
    inbox.handle('slack', async () => {
      calls += 1;
      if (calls === 1) throw new Error('timeout');
      return 'posted';
    });
    inbox.start();
    const { id } = await inbox.accept({ source: 'slack', deliveryId: 'y', kind: 'slash_command', payload: {} });
    await waitFor(async () => expect((await inbox.get(id))?.status).toBe('processed'));
    expect(await inbox.get(id)).toMatchObject({ attempts: 2, lastError: null, outcome: 'posted' });
  });

  it('does not retry a permanent failure', async () => {
    const { inbox } = await openInbox();
    let calls = 0;
    inbox.handle('sentry', async () => {
      calls += 1;
      throw new PermanentJobError('project web is not mapped to a repository');
    });
    inbox.start();
    const { id } = await inbox.accept({ source: 'sentry', deliveryId: 'z', kind: 'event_alert', payload: {} });
    await waitFor(async () => expect((await inbox.get(id))?.status).toBe('failed'));
    expect(calls).toBe(1);
  });

  it('stores nothing when the surrounding transaction rolls back', async () => {
    const { store, inbox } = await openInbox();
    await expect(
      store.db.transaction(async (transaction) => {
        await inbox.accept({ source: 'jira', deliveryId: 'r', kind: 'k', payload: {} }, transaction);
        throw new Error('later step failed');
      }),
    ).rejects.toThrow('later step failed');
    expect(await inbox.count()).toBe(0);
    const counts = await opened[0]!.queue.counts('webhooks');
    expect(counts.waiting + counts.active + counts.completed + counts.failed).toBe(0);
  });
});

describe('WebhookInbox group commit', () => {
  it('stores a burst of concurrent deliveries, repeats inside the burst included, exactly once each', async () => {
    const { inbox, queue } = await openInbox();
    const deliveries = Array.from({ length: 120 }, (_, index) => ({
      source: index % 2 ? 'jira' : 'sentry',
      deliveryId: `d-${index % 100}`,
      kind: 'k',
      payload: { index },
    }));
    const results = await Promise.all(deliveries.map((delivery) => inbox.accept(delivery)));
    expect(results.filter((result) => !result.duplicate)).toHaveLength(100);
    // Every repeat points at the row its first occurrence stored.
    const idByKey = new Map<string, string>();
    deliveries.forEach((delivery, index) => {
      const key = `${delivery.source}/${delivery.deliveryId}`;
      if (!results[index]!.duplicate) idByKey.set(key, results[index]!.id);
    });
    deliveries.forEach((delivery, index) => expect(results[index]!.id).toBe(idByKey.get(`${delivery.source}/${delivery.deliveryId}`)));
    expect(await inbox.count()).toBe(100);
    expect((await queue.counts('webhooks')).waiting).toBe(100);
  });

  it('processes one delivery at a time while deliveries keep arriving, and at full concurrency once they stop', async () => {
    const { inbox } = await openInbox({ concurrency: 4 });
    let running = 0;
    let mostAtOnce = 0;
    const processedAt: number[] = [];
    inbox.handle('slack', async () => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running -= 1;
      processedAt.push(Date.now());
    });
    inbox.start();
    let flooding = true;
    // A delivery every 5 ms, each sent without waiting for the one before, as independent senders do.
    const accepted: Promise<unknown>[] = [];
    const flood = (async () => {
      for (let index = 0; flooding; index += 1) {
        accepted.push(inbox.accept({ source: 'slack', deliveryId: `flood-${index}`, kind: 'slash_command', payload: {} }));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    flooding = false;
    await flood;
    const floodEnded = Date.now();
    await Promise.all(accepted);
    // Processing holds back (each delivery waits up to a second for a pause) but is not starved.
    expect(processedAt.filter((at) => at < floodEnded).length).toBeGreaterThan(0);
    expect(mostAtOnce).toBe(1);
    // After the flood, the backlog is processed at the inbox's full concurrency.
    await waitFor(async () => expect((await inbox.countByStatus('slack')).processed).toBe(await inbox.count('slack')));
    expect(mostAtOnce).toBeGreaterThan(1);
  });
});
