import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { asc, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postgresAvailable, startPostgresServer, type PostgresServer } from '../../test/support/postgres-server.ts';
import { openStore, rowsOf, type Store } from '../store/database.ts';
import { auditLog, events, jobs, operations } from '../store/schema.ts';
import { EventHub, type RecordedEvent } from '../store/event-hub.ts';
import { RepoStore } from '../store/repo-store.ts';
import { createEmbeddedQueue } from '../queue/embedded-queue.ts';
import type { JobQueue } from '../queue/job-queue.ts';
import { createRedactor } from '../safety/redaction.ts';
import { OperationStore } from './operation-store.ts';
import { InvalidTransitionError, NotFoundError } from './pipeline-errors.ts';
import { TransitionNotAllowedError } from '../domain/operation-vocabulary.ts';
import { migratedDatabaseFolders } from '../../test/support/pglite-copies.ts';

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), '../store/migrations');
const knownSecret = 'known-secret-value-4711';
// Looks like a GitHub token, so the redactor's patterns catch it without being told.
const patternSecret = `ghp_${'a1B2c3D4e5'.repeat(4)}`;

/** One database a test can open several times, as restarting processes would. */
interface TestDatabase {
  open(): Promise<Store>;
}

interface Services {
  store: Store;
  operations: OperationStore;
  repos: RepoStore;
  /** Events the hub published, in order. */
  published: RecordedEvent[];
  /** For each job added, how many events the hub had published at that moment. */
  publishedWhenJobAdded: number[];
  repoId: string;
}

function defineStoreTests(kind: Store['kind'], newDatabase: () => Promise<TestDatabase>): void {
  let database: TestDatabase;
  const stores: Store[] = [];
  const queues: JobQueue[] = [];
  const queueErrors: unknown[] = [];

  beforeEach(async () => {
    database = await newDatabase();
    operationCount = 0;
  });

  afterEach(async () => {
    for (const queue of queues.splice(0).reverse()) await queue.close();
    for (const store of stores.splice(0).reverse()) await store.close().catch(() => undefined);
    expect(queueErrors.splice(0)).toEqual([]);
  });

  async function open(): Promise<Store> {
    const store = await database.open();
    stores.push(store);
    return store;
  }

  /** The real store services on one database; the queue is never processed, so jobs stay where they were put. */
  async function services(): Promise<Services> {
    const store = await open();
    const queue = createEmbeddedQueue(store.db, { onError: (error) => queueErrors.push(error) });
    queues.push(queue);
    const hub = new EventHub();
    const published: RecordedEvent[] = [];
    hub.subscribe((event) => published.push(event));
    const publishedWhenJobAdded: number[] = [];
    // The real queue, watched: `add` runs inside the store's transaction, before it commits.
    const watchedQueue: JobQueue = {
      add: (...args) => {
        publishedWhenJobAdded.push(published.length);
        return queue.add(...args);
      },
      addMany: (...args) => {
        publishedWhenJobAdded.push(published.length);
        return queue.addMany(...args);
      },
      process: (...args) => queue.process(...args),
      counts: (name) => queue.counts(name),
      busy: () => queue.busy(),
      close: () => queue.close(),
    };
    const repos = new RepoStore(store.db);
    const repo = await repos.insert({ name: `cart-${stores.length}`, path: '/srv/cart', defaultBranch: 'main' });
    return {
      store,
      operations: new OperationStore(store.db, watchedQueue, hub, createRedactor([knownSecret])),
      repos,
      published,
      publishedWhenJobAdded,
      repoId: repo.id,
    };
  }

  let operationCount = 0;
  function createOperation(subject: Services, description = 'total() ignores quantity') {
    operationCount += 1;
    return subject.operations.create(
      { id: `operation-${operationCount}`, repoId: subject.repoId, type: 'fix', source: 'api', description, maxAttempts: 3, createdBy: 'admin' },
      'admin',
      { queue: 'planning', name: 'plan' },
    );
  }

  async function tableCounts(store: Store) {
    const count = async (table: typeof events | typeof jobs | typeof auditLog | typeof operations) => (await store.db.select().from(table)).length;
    return { operations: await count(operations), events: await count(events), audit: await count(auditLog), jobs: await count(jobs) };
  }

  describe('migrations', () => {
    it('applies every migration once and finds them applied on reopen, keeping the data', async () => {
      const first = await open();
      const migrationFiles = fs
        .readdirSync(migrationsFolder)
        .filter((file) => file.endsWith('.sql'))
        .sort();
      const readApplied = async (store: Store) =>
        rowsOf<{ name: string; applied_at: unknown }>(await store.db.execute(sql`SELECT name, applied_at FROM schema_migrations ORDER BY name`));
      const applied = await readApplied(first);
      expect(applied.map((row) => row.name)).toEqual(migrationFiles);
      await new RepoStore(first.db).insert({ name: 'kept', path: '/srv/kept', defaultBranch: 'main' });
      await first.close();

      const second = await open();
      // Same rows, same times: nothing ran a second time (a rerun would also fail on CREATE TABLE).
      expect(await readApplied(second)).toEqual(applied);
      expect(await new RepoStore(second.db).byName('kept')).toMatchObject({ name: 'kept', path: '/srv/kept', defaultBranch: 'main' });
    });

    // Only a server is shared by processes; an embedded database is one process's. Not defined at
    // all elsewhere, so that a skip in the suite's count always means a missing service.
    const onServer = kind === 'postgres' ? it : () => undefined;
    onServer('lets several processes open a new database at once', async () => {
      const opened = await Promise.all([open(), open(), open()]);
      const names = rowsOf<{ name: string }>(await opened[0]!.db.execute(sql`SELECT name FROM schema_migrations`)).map((row) => row.name);
      expect(names.sort()).toEqual(
        fs
          .readdirSync(migrationsFolder)
          .filter((file) => file.endsWith('.sql'))
          .sort(),
      );
    });
  });

  describe('RepoStore', () => {
    it('inserts, finds, lists by name and updates repositories; a second repository with a taken name is refused', async () => {
      const repos = new RepoStore((await open()).db);
      const zebra = await repos.insert({ name: 'zebra', path: '/srv/zebra', defaultBranch: 'main' });
      const apple = await repos.insert({ name: 'apple', path: '/srv/apple', defaultBranch: 'trunk', commands: { test: 'npm test' } });
      expect(zebra.id).not.toBe(apple.id);
      expect((await repos.list()).map((repo) => repo.name)).toEqual(['apple', 'zebra']);
      expect(await repos.byName('apple')).toMatchObject({
        id: apple.id,
        path: '/srv/apple',
        defaultBranch: 'trunk',
        commands: { test: 'npm test' },
        source: 'api',
      });
      expect(await repos.byId(zebra.id)).toMatchObject({ name: 'zebra' });
      expect(await repos.byName('missing')).toBeUndefined();

      const updated = await repos.update(zebra.id, { path: '/srv/zebra-2', commands: { lint: 'eslint .' } });
      expect(updated).toMatchObject({ id: zebra.id, name: 'zebra', path: '/srv/zebra-2', commands: { lint: 'eslint .' } });

      await expect(repos.insert({ name: 'apple', path: '/srv/other', defaultBranch: 'main' })).rejects.toThrow();
      expect(await repos.byName('apple')).toMatchObject({ id: apple.id, path: '/srv/apple' });
      await expect(repos.update('no-such-repo', { path: '/x' })).rejects.toThrow('update returned no row');
    });
  });

  describe('OperationStore', () => {
    it('creates the operation with its operation.created event, audit entry and planning job, and publishes the event', async () => {
      const subject = await services();
      const created = await createOperation(subject);
      expect(created).toMatchObject({ id: 'operation-1', status: 'queued', type: 'fix', attempts: 0, maxAttempts: 3 });
      expect(await subject.operations.get(created.id)).toEqual(created);

      const timeline = await subject.operations.timeline(created.id);
      expect(timeline).toEqual([
        {
          sequence: expect.any(Number),
          operationId: created.id,
          type: 'operation.created',
          actor: 'admin',
          data: { type: 'fix', source: 'api', description: 'total() ignores quantity' },
          at: expect.any(String),
        },
      ]);
      expect(subject.published).toEqual(timeline);
      // Published after the job was added, that is after the transaction's last statement.
      expect(subject.publishedWhenJobAdded).toEqual([0]);

      const audit = await subject.store.db.select().from(auditLog);
      expect(audit).toEqual([
        expect.objectContaining({ sequence: 1, actor: 'admin', action: 'operation.created', subject: `operation:${created.id}`, details: timeline[0]!.data }),
      ]);
      const queued = await subject.store.db.select().from(jobs);
      expect(queued).toEqual([expect.objectContaining({ queue: 'planning', name: 'plan', status: 'waiting', payload: { operationId: created.id } })]);
    });

    it('leaves nothing behind when a create fails part way', async () => {
      const subject = await services();
      // An invalid job option fails inside the transaction, after the operation, event and audit entry were written.
      const failing = subject.operations.create(
        { id: 'half-made', repoId: subject.repoId, type: 'fix', source: 'api', description: 'never stored', maxAttempts: 3, createdBy: 'admin' },
        'admin',
        { queue: 'planning', name: 'plan', options: { priority: 0.5 } },
      );
      await expect(failing).rejects.toThrow(RangeError);
      expect(await tableCounts(subject.store)).toEqual({ operations: 0, events: 0, audit: 0, jobs: 0 });
      expect(subject.published).toEqual([]);
      await expect(subject.operations.get('half-made')).rejects.toThrow(NotFoundError);
    });

    it('commits a transition with its event, patch, audit entry and job together, publishing the event after commit', async () => {
      const subject = await services();
      const created = await createOperation(subject);
      const moved = await subject.operations.transition(created.id, {
        from: ['queued'],
        to: 'executing',
        actor: 'planner',
        patch: { planMarkdown: '1. multiply by quantity', branch: 'mender/fix-cart' },
        event: { type: 'plan.approved', data: { steps: 1 } },
        job: { queue: 'execution', name: 'execute' },
      });
      expect(moved).toMatchObject({ status: 'executing', planMarkdown: '1. multiply by quantity', branch: 'mender/fix-cart' });
      expect(await subject.operations.get(created.id)).toEqual(moved);

      const timeline = await subject.operations.timeline(created.id);
      expect(timeline.map((event) => [event.type, event.actor, event.data])).toEqual([
        ['operation.created', 'admin', expect.any(Object)],
        ['plan.approved', 'planner', { from: 'queued', to: 'executing', steps: 1 }],
      ]);
      expect(subject.published).toEqual(timeline);
      // When the transition's job was added (its last statement) only the create's event had been published.
      expect(subject.publishedWhenJobAdded).toEqual([0, 1]);
      const queued = await subject.store.db.select().from(jobs).orderBy(asc(jobs.id));
      expect(queued.map((job) => [job.queue, job.name, job.payload])).toEqual([
        ['planning', 'plan', { operationId: created.id }],
        ['execution', 'execute', { operationId: created.id }],
      ]);
      const audit = await subject.store.db.select().from(auditLog).orderBy(asc(auditLog.sequence));
      expect(audit.map((entry) => [entry.action, entry.actor, entry.details])).toEqual([
        ['operation.created', 'admin', expect.any(Object)],
        ['plan.approved', 'planner', { from: 'queued', to: 'executing', steps: 1 }],
      ]);
    });

    it("enqueues every job of an operation at the operation's priority unless the job names its own", async () => {
      const subject = await services();
      const urgent = await subject.operations.create(
        { id: 'urgent', repoId: subject.repoId, type: 'fix', source: 'detector', description: 'P0', maxAttempts: 3, priority: 0, createdBy: 'detector' },
        'detector',
        { queue: 'planning', name: 'plan' },
      );
      await subject.operations.transition(urgent.id, {
        from: ['queued'],
        to: 'executing',
        actor: 'planner',
        event: { type: 'plan.approved', data: {} },
        job: { queue: 'execution', name: 'execute' },
      });
      await subject.operations.transition(urgent.id, {
        from: ['executing'],
        to: 'failed',
        actor: 'mender',
        event: { type: 'operation.failed', data: {} },
        job: { queue: 'merging', name: 'cleanup', options: { priority: 7 } },
      });
      const queued = await subject.store.db.select().from(jobs).orderBy(asc(jobs.id));
      expect(queued.map((job) => [job.name, job.priority])).toEqual([
        ['plan', 0],
        ['execute', 0],
        ['cleanup', 7],
      ]);
      // Without a priority of its own an operation ranks with a P2.
      expect((await createOperation(subject)).priority).toBe(2);
    });

    it('refuses a transition from the wrong status and changes nothing', async () => {
      const subject = await services();
      const created = await createOperation(subject);
      const before = await tableCounts(subject.store);
      const attempt = subject.operations.transition(created.id, {
        from: ['awaiting_approval'],
        to: 'merging',
        actor: 'admin',
        patch: { feedback: 'ship it' },
        event: { type: 'change.approved' },
        job: { queue: 'merging', name: 'merge' },
      });
      await expect(attempt).rejects.toThrow(InvalidTransitionError);
      await expect(attempt).rejects.toThrow(`operation ${created.id} is queued; change.approved needs it to be awaiting_approval`);
      expect(await subject.operations.get(created.id)).toEqual(created);
      expect(await tableCounts(subject.store)).toEqual(before);
      expect(subject.published.map((event) => event.type)).toEqual(['operation.created']);

      await expect(
        subject.operations.transition('no-such-operation', { from: ['queued'], to: 'planning', actor: 'mender', event: { type: 'operation.started' } }),
      ).rejects.toThrow(NotFoundError);
    });

    it("refuses a transition the vocabulary's table lacks, naming from and to, and changes nothing", async () => {
      const subject = await services();
      const created = await createOperation(subject);
      const before = await tableCounts(subject.store);
      // `from` matches the operation, so only the table can refuse it: queued never jumps to done.
      const attempt = subject.operations.transition(created.id, {
        from: ['queued'],
        to: 'done',
        actor: 'mender',
        event: { type: 'operation.done' },
        job: { queue: 'merging', name: 'merge' },
      });
      await expect(attempt).rejects.toThrow(TransitionNotAllowedError);
      await expect(attempt).rejects.toThrow(`operation ${created.id} may not change from queued to done`);
      expect(await subject.operations.get(created.id)).toEqual(created);
      expect(await tableCounts(subject.store)).toEqual(before);
      expect(subject.published.map((event) => event.type)).toEqual(['operation.created']);
    });

    it('rolls back the status, patch, event and audit entry when the job of a transition cannot be added', async () => {
      const subject = await services();
      const created = await createOperation(subject);
      const before = await tableCounts(subject.store);
      const attempt = subject.operations.transition(created.id, {
        from: ['queued'],
        to: 'planning',
        actor: 'mender',
        patch: { branch: 'mender/never' },
        event: { type: 'operation.started' },
        job: { queue: 'planning', name: 'plan', options: { maxAttempts: 0 } },
      });
      await expect(attempt).rejects.toThrow(RangeError);
      expect(await subject.operations.get(created.id)).toEqual(created);
      expect(await tableCounts(subject.store)).toEqual(before);
      expect(subject.published.map((event) => event.type)).toEqual(['operation.created']);
    });

    it('lets only one of two racing transitions from the same status through', async () => {
      const subject = await services();
      const created = await createOperation(subject);
      const start = (actor: string) =>
        subject.operations.transition(created.id, {
          from: ['queued'],
          to: 'planning',
          actor,
          event: { type: 'operation.started' },
          job: { queue: 'planning', name: 'plan' },
        });
      const outcomes = await Promise.allSettled([start('first'), start('second')]);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(refused).toHaveLength(1);
      expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(InvalidTransitionError);
      expect((await subject.operations.timeline(created.id)).map((event) => event.type)).toEqual(['operation.created', 'operation.started']);
      expect(await tableCounts(subject.store)).toMatchObject({ jobs: 2, audit: 2 });
    });

    it('redacts secrets from event data before they reach the events table, the audit log or the hub', async () => {
      const subject = await services();
      const created = await createOperation(subject, `deploy fails with token ${knownSecret}`);
      await subject.operations.event(created.id, 'coder', {
        type: 'tool.called',
        data: { output: `export GITHUB_TOKEN=${patternSecret}`, nested: [{ value: knownSecret }] },
      });
      await subject.operations.transition(created.id, {
        from: ['queued'],
        to: 'failed',
        actor: 'mender',
        event: { type: 'operation.failed', data: { reason: `auth with ${knownSecret} refused` } },
      });

      const storedEvents = rowsOf<{ data: string }>(await subject.store.db.execute(sql`SELECT data::text AS data FROM events ORDER BY sequence`)).map(
        (row) => row.data,
      );
      const storedAudit = rowsOf<{ details: string }>(
        await subject.store.db.execute(sql`SELECT details::text AS details FROM audit_log ORDER BY sequence`),
      ).map((row) => row.details);
      for (const text of [...storedEvents, ...storedAudit, JSON.stringify(subject.published)]) {
        expect(text).not.toContain(knownSecret);
        expect(text).not.toContain(patternSecret);
      }
      expect(storedEvents).toHaveLength(3);
      const timeline = await subject.operations.timeline(created.id);
      expect(timeline.map((event) => event.data)).toEqual([
        { type: 'fix', source: 'api', description: 'deploy fails with token [REDACTED]' },
        { output: 'export GITHUB_TOKEN=[REDACTED]', nested: [{ value: '[REDACTED]' }] },
        { from: 'queued', to: 'failed', reason: 'auth with [REDACTED] refused' },
      ]);
    });

    it('resumes the event stream after any sequence number, for all operations or one', async () => {
      const subject = await services();
      const first = await createOperation(subject);
      const second = await createOperation(subject);
      await subject.operations.event(first.id, 'planner', { type: 'agent.started' });
      await subject.operations.event(second.id, 'planner', { type: 'agent.started' });
      await subject.operations.transition(first.id, { from: ['queued'], to: 'cancelled', actor: 'admin', event: { type: 'operation.cancelled' } });

      const all = await subject.operations.eventsAfter(0);
      expect(all.map((event) => [event.operationId, event.type])).toEqual([
        [first.id, 'operation.created'],
        [second.id, 'operation.created'],
        [first.id, 'agent.started'],
        [second.id, 'agent.started'],
        [first.id, 'operation.cancelled'],
      ]);
      expect(all).toEqual(subject.published);
      const sequences = all.map((event) => event.sequence);
      expect(sequences).toEqual([...sequences].sort((left, right) => left - right));
      expect(new Set(sequences).size).toBe(sequences.length);

      for (const [index, event] of all.entries()) expect(await subject.operations.eventsAfter(event.sequence)).toEqual(all.slice(index + 1));
      expect(await subject.operations.eventsAfter(all[1]!.sequence, first.id)).toEqual([all[2], all[4]]);
      expect(await subject.operations.eventsAfter(0, second.id)).toEqual([all[1], all[3]]);
      expect(await subject.operations.eventsAfter(0, undefined, 2)).toEqual(all.slice(0, 2));
      expect(await subject.operations.eventsAfter(all.at(-1)!.sequence)).toEqual([]);
    });
  });
}

describe('store on PGlite', () => {
  const databases = migratedDatabaseFolders('mender-store-');
  afterEach(() => databases.removeAll());
  defineStoreTests('pglite', async () => {
    const directory = await databases.next();
    return { open: () => openStore({ directory }) };
  });
});

describe.skipIf(!postgresAvailable())('store on PostgreSQL', () => {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgresServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  // A new database per test, so the migration tests see one that was never opened.
  defineStoreTests('postgres', async () => {
    if (!server) throw new Error('the PostgreSQL server did not start');
    const url = await server.createDatabase();
    return { open: () => openStore({ databaseUrl: url }) };
  });
});
