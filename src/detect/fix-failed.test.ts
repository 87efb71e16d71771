import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../config/load-settings.ts';
import { createLogger } from '../logging/logger.ts';
import type { CreateOperationInput } from '../pipeline/pipeline.ts';
import { createEmbeddedQueue } from '../queue/embedded-queue.ts';
import { openStore, rowsOf, type Store } from '../store/database.ts';
import { EventHub } from '../store/event-hub.ts';
import { newId } from '../store/ids.ts';
import { RepoStore } from '../store/repo-store.ts';
import { migratedDatabaseFolders } from '../../test/support/pglite-copies.ts';
import { eventually } from '../../test/support/eventually.ts';
import { DetectionService } from './detection-service.ts';
import { getIssue } from './issue-views.ts';
import type { OperationStarter } from './issue-triggers.ts';

const stableRelease = '1'.repeat(40);
const fixRelease = 'f'.repeat(40);
const secondFixRelease = 'e'.repeat(40);

function errorEvent(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: crypto.randomUUID().replace(/-/g, ''),
    level: 'error',
    environment: 'staging',
    exception: {
      values: [
        {
          type: 'TypeError',
          value: 'broken in checkout',
          stacktrace: { frames: [{ filename: '/srv/app/cart.js', function: 'checkout', lineno: 3, in_app: true }] },
        },
      ],
    },
    ...extra,
  };
}

/**
 * Detection on a real database, hub and queue. The pipeline is the one port faked: `create` writes
 * the operation row the pipeline would (so the issue finds its operation), and `move` does what an
 * operation transition does for detection: the row changes, then its event reaches the hub.
 */
async function startDetection(store: Store, dataDir: string) {
  const hub = new EventHub();
  const queue = createEmbeddedQueue(store.db);
  const repo = await new RepoStore(store.db).insert({ name: 'shop', path: '/srv/shop', defaultBranch: 'main' });
  const created: CreateOperationInput[] = [];
  const starter: OperationStarter = {
    async create(input) {
      const id = newId();
      created.push(input);
      await store.db.execute(sql`
        INSERT INTO operations (id, repo_id, type, source, description, status, error_context, max_attempts, created_by)
        VALUES (${id}, ${repo.id}, 'fix', 'detector', ${input.description}, 'queued', ${JSON.stringify(input.errorContext)}::jsonb, 3, 'detector')`);
      return { id, status: 'queued' };
    },
  };
  const { settings } = loadSettings({ MENDER_DATA_DIR: dataDir, MENDER_DETECT_RETRY_COOLDOWN_SECONDS: '0', MENDER_DETECT_DIGEST_BATCH_SIZE: '1000' }, dataDir);
  const detection = new DetectionService({ db: store.db, queue, hub, starter, settings, log: createLogger('error', (text) => text), redact: (text) => text });
  await detection.start();
  const project = await detection.projects.create({ name: 'shop', repoId: repo.id });
  let sequence = 0;
  return {
    detection,
    queue,
    created,
    send: (events: Record<string, unknown>[]) =>
      detection.inbox.write([{ projectId: project.id, source: 'sentry', payload: JSON.stringify(events), events: events.length }]),
    move: async (operationId: string, to: string, mergeCommit?: string) => {
      await store.db.execute(
        sql`UPDATE operations SET status = ${to}, merge_commit = coalesce(${mergeCommit ?? null}, merge_commit), updated_at = now() WHERE id = ${operationId}`,
      );
      await detection.triggers.serialised(async () => undefined);
      hub.publish([{ sequence: (sequence += 1), operationId, type: 'operation.moved', actor: 'mender', data: { to }, at: new Date().toISOString() }]);
      await detection.triggers.serialised(async () => undefined);
    },
    issue: async () => {
      const [row] = rowsOf<{ id: string }>(await store.db.execute(sql`SELECT id FROM detect_issues LIMIT 1`));
      return row ? getIssue(store.db, row.id) : undefined;
    },
    operationIds: async () => rowsOf<{ id: string }>(await store.db.execute(sql`SELECT id FROM operations ORDER BY created_at, id`)).map((row) => row.id),
    statusEvents: async () =>
      rowsOf<{ data: Record<string, unknown> }>(await store.db.execute(sql`SELECT data FROM events WHERE type = 'issue.status_changed' ORDER BY sequence`)).map(
        (row) => row.data,
      ),
  };
}

describe('a deployed fix, watched by detection', () => {
  const databases = migratedDatabaseFolders('mender-fix-failed-');
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    databases.removeAll();
  });

  async function setUp() {
    const store = await openStore({ directory: await databases.next() });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-fix-failed-data-'));
    const detection = await startDetection(store, dataDir);
    cleanups.push(async () => {
      await detection.detection.stop();
      await detection.queue.close();
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    return detection;
  }

  it('is fixing while it deploys and is watched, and fixed only when done', async () => {
    const { send, move, issue, operationIds } = await setUp();
    await send(Array.from({ length: 12 }, () => errorEvent({ release: stableRelease })));
    const [operation] = await eventually(operationIds, (ids) => ids.length === 1, 'the P1 issue starts a fix');
    await move(operation!, 'planning');
    await move(operation!, 'executing');
    await move(operation!, 'merging');
    expect((await issue())?.status).toBe('fixing');
    await move(operation!, 'merged', fixRelease);
    // Merged says nothing yet: the merge step hands the change on at once (here to deploying).
    expect((await issue())?.status).toBe('fixing');
    await move(operation!, 'deploying');
    expect((await issue())?.status).toBe('fixing');
    await move(operation!, 'monitoring');
    expect((await issue())?.status).toBe('fixing');
    // The stable release still runs beside the canary: its events say nothing about the fix.
    await send([errorEvent({ release: stableRelease })]);
    await eventually(issue, (item) => item?.count === 13, 'the stable release event is counted');
    expect((await issue())?.status).toBe('fixing');
    await move(operation!, 'done');
    expect((await issue())?.status).toBe('fixed');
  }, 60_000);

  it('marks the issue fix_failed when the fixed release sends the error, and starts a new fix saying what failed', async () => {
    const { send, move, issue, operationIds, created, statusEvents } = await setUp();
    await send(Array.from({ length: 12 }, () => errorEvent({ release: stableRelease })));
    const [first] = await eventually(operationIds, (ids) => ids.length === 1, 'the P1 issue starts a fix');
    for (const to of ['planning', 'executing', 'merging']) await move(first!, to);
    await move(first!, 'merged', fixRelease);
    await move(first!, 'deploying');

    await send([
      errorEvent({ release: fixRelease, user: { id: 'u1' } }),
      errorEvent({ release: fixRelease, user: { id: 'u2' } }),
      errorEvent({ release: fixRelease }),
    ]);
    const failed = await eventually(issue, (item) => item?.status === 'fix_failed', 'the issue outlives its fix');
    expect(failed).toMatchObject({ failedAttempts: 1 });
    // The event, not the row: the new fix may already have started and changed the row's reason.
    const change = (await statusEvents()).find((event) => event.to === 'fix_failed');
    expect(change).toMatchObject({ issueId: failed?.id, from: 'fixing', to: 'fix_failed', operationId: first, release: fixRelease });
    expect(String(change?.reason)).toContain(first);
    expect(String(change?.reason)).toContain(fixRelease.slice(0, 12));

    const [, second] = await eventually(operationIds, (ids) => ids.length === 2, 'a new fix starts');
    expect(created[1]?.description).toContain(
      `The fix merged in operation ${first}, release ${fixRelease.slice(0, 12)}, did not stop this error: 3 events from the fixed release.`,
    );
    expect(created[1]?.errorContext?.issueId).toBe(failed?.id);

    // The failed operation's watch ending does not make the issue fixed; the new operation moves it.
    await move(first!, 'done');
    expect((await issue())?.status).toBe('fix_failed');
    await move(second!, 'planning');
    expect((await issue())?.status).toBe('diagnosing');

    // The second fix fails the same way: a second attempt, and neither old operation moves the issue after.
    for (const to of ['executing', 'merging']) await move(second!, to);
    await move(second!, 'merged', secondFixRelease);
    await move(second!, 'monitoring');
    await send([errorEvent({ release: fixRelease }), errorEvent({ release: secondFixRelease })]);
    const again = await eventually(issue, (item) => item?.failedAttempts === 2, 'the second fix fails');
    expect(again).toMatchObject({ status: 'fix_failed' });
    const [, , third] = await eventually(operationIds, (ids) => ids.length === 3, 'a third fix starts');
    expect(created[2]?.description).toContain(
      `The fix merged in operation ${second}, release ${secondFixRelease.slice(0, 12)}, did not stop this error: 1 events`,
    );
    await move(first!, 'failed');
    await move(second!, 'done');
    expect((await issue())?.status).toBe('fix_failed');
    await move(third!, 'planning');
    expect((await issue())?.status).toBe('diagnosing');
  }, 60_000);
});
