import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleScript, startScriptedModelServer, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { countAssistantTurns } from '../fakes/conversation-inspection.ts';
import { followEventStream, type EventStreamClient } from '../support/event-stream-client.ts';
import { startMenderProcess, type MenderProcess } from '../support/mender-process.ts';
import { postgresAvailable, startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { redisAvailable, startRedisServer, type RedisServer } from '../support/redis-server.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { callMender } from '../support/mender-http.ts';

const token = 'scale-load-admin-token-0123456789';
const leaseSeconds = 4;
const operationCount = 24;
const repoCount = 3;
const workerCount = 3;

interface Backend {
  name: string;
  /** Settings that choose the queue backend, given the database URL of the run. */
  env(): Record<string, string>;
}

let redis: RedisServer | undefined;
const backends: Backend[] = [
  { name: 'the embedded queue on PostgreSQL', env: () => ({}) },
  ...(redisAvailable() ? [{ name: 'BullMQ on Redis', env: () => ({ MENDER_QUEUE_URL: redis!.url }) }] : []),
];

/** The operation ids whose jobs a worker started, by queue (its `job started` log lines). */
function started(worker: MenderProcess, queue: string): { operationId: string; attempt: number }[] {
  return worker
    .output()
    .split('\n')
    .flatMap((line) => {
      try {
        const entry = JSON.parse(line) as { message?: string; queue?: string; operationId?: string; attempt: number };
        return entry.message === 'job started' && entry.queue === queue && entry.operationId
          ? [{ operationId: entry.operationId, attempt: entry.attempt }]
          : [];
      } catch {
        return [];
      }
    });
}

async function stopAll(processes: MenderProcess[]): Promise<void> {
  await Promise.all(
    processes.map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }),
  );
}

describe.skipIf(!postgresAvailable())('24 fix operations through one web and three worker processes', () => {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgresServer();
    if (backends.length > 1) redis = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
    await redis?.stop();
  });

  for (const backend of backends)
    describe(backend.name, () => {
      const victimMarker = 'VICTIM-load';
      let crashed = false;
      let model: ScriptedModelServer;
      let databaseUrl: string;
      let web: MenderProcess;
      const workers: MenderProcess[] = [];
      const targets: TargetRepository[] = [];
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-scale-load-'));
      let stream: EventStreamClient;

      const api = (method: string, route: string, body?: unknown) => callMender(web.url, token, method, route, body);

      async function waitFor<Value>(what: string, probe: () => Promise<Value | undefined>, timeoutMs = 240_000): Promise<Value> {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
          const value = await probe();
          if (value !== undefined) return value;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        throw new Error(`timed out waiting for ${what}\n${workers.map((worker, index) => `--- worker ${index}\n${worker.output().slice(-2000)}`).join('\n')}`);
      }

      beforeAll(async () => {
        databaseUrl = await server!.createDatabase();
        const coder = coderReplies();
        model = await startScriptedModelServer(
          roleScript({
            planner: plannerReplies,
            reviewer: reviewerReplies,
            coder: (request) => {
              const turn = countAssistantTurns(request.body);
              if (!crashed && turn >= 1 && JSON.stringify(request.body).includes(victimMarker)) return { hang: true };
              return coder[turn] ?? { text: 'done' };
            },
          }),
        );
        const env = {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          DATABASE_URL: databaseUrl,
          MENDER_DATA_DIR: dataDir,
          MENDER_ADMIN_TOKEN: token,
          MENDER_TWO_PERSON_RULE: 'false',
          MENDER_MODEL: 'openai-compatible:scripted-model',
          MENDER_MODEL_BASE_URL: model.url,
          MENDER_MODEL_RETRIES: '0',
          MENDER_JOB_LEASE_SECONDS: String(leaseSeconds),
          MENDER_MAX_OPERATIONS_PER_HOUR: '1000',
          MENDER_MAX_OPERATIONS_PER_DAY: '1000',
          ...backend.env(),
        };
        web = await startMenderProcess({ env, args: ['--role', 'web'], tries: 600 });
        workers.push(...(await Promise.all(Array.from({ length: workerCount }, () => startMenderProcess({ env, args: ['--role', 'worker'], tries: 600 })))));
        for (let index = 0; index < repoCount; index += 1) targets.push(createTargetRepository());
        stream = followEventStream(web.url, token);
      }, 120_000);

      afterAll(async () => {
        stream?.close();
        await stopAll([web, ...workers].filter(Boolean));
        await model?.close();
        for (const target of targets) target.cleanup();
        fs.rmSync(dataDir, { recursive: true, force: true });
      });

      it('each ends awaiting approval with one commit, a killed worker’s operation finishes on another, and the stream misses no event', async () => {
        for (const [index, target] of targets.entries())
          expect((await api('POST', '/api/repos', { name: `cart-${index}`, path: target.path })).status).toBe(201);
        const bases = targets.map((target) => target.head());
        const ids: { id: string; repo: number }[] = [];
        const create = async (index: number, marker = '') => {
          const repo = index % repoCount;
          const created = await api('POST', '/api/operations', {
            type: 'fix',
            description: `total() ignores quantity (report ${index})${marker}`,
            repo: `cart-${repo}`,
          });
          expect(created.status, created.text).toBe(201);
          ids.push({ id: created.json.id, repo });
          return created.json.id as string;
        };
        const allSettled = () =>
          waitFor(`all ${ids.length} operations to await approval`, async () => {
            const { operations } = (await api('GET', `/api/operations?limit=${operationCount}`)).json as {
              operations: { id: string; status: string; failureReason?: string }[];
            };
            const failed = operations.find((operation) => operation.status === 'failed');
            if (failed) throw new Error(`operation ${failed.id} failed: ${failed.failureReason}`);
            return operations.length === ids.length && operations.every((operation) => operation.status === 'awaiting_approval') ? operations : undefined;
          });

        // Half of them on all three workers at once.
        const half = operationCount / 2;
        for (let index = 0; index < half; index += 1) await create(index);
        await allSettled();
        for (const worker of workers) expect(started(worker, 'execution').length, 'every worker executed some').toBeGreaterThan(0);

        // One whose coder hangs after its first turn: the worker running it is killed mid-step, and
        // an idle worker takes it over once its lease lapses.
        const victimId = await create(half, ` (${victimMarker})`);
        const holder = await waitFor('a worker to run the victim’s coder', async () => {
          const asked = model.requests.filter((request) => request.role === 'coder' && JSON.stringify(request.body).includes(victimMarker)).length >= 2;
          return asked ? workers.find((worker) => started(worker, 'execution').some((job) => job.operationId === victimId)) : undefined;
        });
        const killedAt = Date.now();
        holder.child.kill('SIGKILL');
        await new Promise((resolve) => holder.child.once('exit', resolve));
        crashed = true;
        const survivors = workers.filter((worker) => worker !== holder);
        const resumedAt = await waitFor('another worker to take the victim’s execution over', async () =>
          // (BullMQ hands a stalled job back with the attempt it had; the embedded queue counts one more.)
          survivors.some((worker) => started(worker, 'execution').some((job) => job.operationId === victimId)) ? Date.now() : undefined,
        );
        // The lease lapses at most one lease after the kill and recovery looks every half lease.
        expect(resumedAt - killedAt).toBeLessThan(3 * leaseSeconds * 1000);
        await allSettled();

        // The rest on the two that are left.
        for (let index = half + 1; index < operationCount; index += 1) await create(index);
        const settled = await allSettled();
        expect(settled).toHaveLength(operationCount);
        for (const { id, repo } of ids) {
          const operation = (await api('GET', `/api/operations/${id}`)).json;
          expect(targets[repo]!.git('rev-list', '--count', `${bases[repo]}..${operation.branch}`), `commits on ${operation.branch}`).toBe('1');
        }
        const victim = (await api('GET', `/api/operations/${victimId}`)).json;
        expect(victim.timeline.map((event: { type: string }) => event.type)).toContain('execution.resumed');

        // The stream from the web process holds every event recorded by any process, in order, once.
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        const recorded = await client
          .query<{ sequence: string }>('SELECT sequence FROM events WHERE operation_id IS NOT NULL ORDER BY sequence')
          .finally(() => client.end());
        const expected = recorded.rows.map((row) => Number(row.sequence));
        const received = await waitFor(
          'the stream to catch up',
          async () => {
            const ofOperations = stream.events.filter((event) => event.operationId !== null).map((event) => event.sequence);
            return ofOperations.length >= expected.length ? ofOperations : undefined;
          },
          30_000,
        );
        expect(received).toEqual(expected);
        console.log(
          `scale-out load (${backend.name}): ${operationCount} operations on ${workerCount} workers; the killed worker’s execution resumed ${resumedAt - killedAt} ms later; ` +
            `${expected.length} operation events streamed in order (${stream.reconnects()} reconnects); executions per survivor: ${survivors.map((worker) => started(worker, 'execution').length).join(', ')}`,
        );
      }, 600_000);
    });
});
