import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleScript, startScriptedModelServer, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { countAssistantTurns } from '../fakes/conversation-inspection.ts';
import { startMenderProcess, type MenderProcess } from '../support/mender-process.ts';
import { postgresAvailable, startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { callMender } from '../support/mender-http.ts';

const token = 'scale-out-admin-token-0123456789';
const leaseSeconds = 4;
// Another's: its coder takes a few seconds to answer, long enough to stop its worker meanwhile.
const drainMarker = 'DRAIN-51c2';
const drainSeconds = 60;

interface JobStart {
  queue: string;
  operationId?: string;
  attempt: number;
}

/** The `job started` lines a worker logged (JSON lines on stderr). */
function jobStarts(process: MenderProcess): JobStart[] {
  return process
    .output()
    .split('\n')
    .flatMap((line) => {
      try {
        const entry = JSON.parse(line) as { message?: string } & JobStart;
        return entry.message === 'job started' ? [entry] : [];
      } catch {
        return [];
      }
    });
}

describe('a split role on the embedded database', () => {
  it('is refused at start with what to set', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-role-'));
    const menderScript = path.resolve(import.meta.dirname, '../../bin/mender.mjs');
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, MENDER_DATA_DIR: dataDir, MENDER_PORT: '0' };
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = execFile(process.execPath, [menderScript, 'start', ...args], { env }, (_error, _stdout, stderr) =>
          resolve({ code: child.exitCode, stderr }),
        );
      });
    try {
      const worker = await run(['--role', 'worker']);
      expect(worker.code).toBe(1);
      expect(worker.stderr).toContain('--role worker needs a PostgreSQL server that every Mender process shares: set DATABASE_URL');
      const unknown = await run(['--role', 'planner']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('--role planner is not a role: use all, web, worker');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe.skipIf(!postgresAvailable())('one web and two worker processes on PostgreSQL', () => {
  let server: PostgresServer | undefined;
  let model: ScriptedModelServer;
  let web: MenderProcess;
  const workers: MenderProcess[] = [];
  const targets: TargetRepository[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-scale-'));

  const api = (method: string, route: string, body?: unknown, url = web.url) => callMender(url, token, method, route, body);

  async function waitFor<Value>(what: string, probe: () => Promise<Value | undefined>, timeoutMs = 90_000): Promise<Value> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `timed out waiting for ${what}\n--- web\n${web.output().slice(-1500)}\n${workers.map((worker, index) => `--- worker ${index}\n${worker.output().slice(-2500)}`).join('\n')}`,
    );
  }

  const settled = (id: string, timeoutMs?: number) =>
    waitFor(
      `operation ${id} to reach awaiting_approval`,
      async () => {
        const operation = (await api('GET', `/api/operations/${id}`)).json;
        if (operation.status === 'failed') throw new Error(`operation ${id} failed: ${operation.failureReason}`);
        return operation.status === 'awaiting_approval' ? operation : undefined;
      },
      timeoutMs,
    );

  beforeAll(async () => {
    server = await startPostgresServer();
    const normalCoder = coderReplies();
    model = await startScriptedModelServer(
      roleScript({
        planner: plannerReplies,
        reviewer: reviewerReplies,
        coder: (request) => {
          const turn = countAssistantTurns(request.body);
          const body = JSON.stringify(request.body);
          const reply = normalCoder[turn] ?? { text: 'done' };
          return turn === 1 && body.includes(drainMarker) ? { delayMs: 4_000, reply } : reply;
        },
      }),
    );
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: server!.url,
      // One data folder for all three, as a shared volume would be: worktrees of local repositories live there.
      MENDER_DATA_DIR: dataDir,
      MENDER_ADMIN_TOKEN: token,
      MENDER_TWO_PERSON_RULE: 'false',
      MENDER_MODEL: 'openai-compatible:scripted-model',
      MENDER_MODEL_BASE_URL: model.url,
      MENDER_MODEL_RETRIES: '0',
      MENDER_JOB_LEASE_SECONDS: String(leaseSeconds),
      MENDER_DRAIN_SECONDS: String(drainSeconds),
    };
    // The web process first: it migrates the database the workers then find ready.
    web = await startMenderProcess({ env, args: ['--role', 'web'], tries: 600 });
    workers.push(...(await Promise.all([0, 1].map(() => startMenderProcess({ env, args: ['--role', 'worker'], tries: 600 })))));
    targets.push(createTargetRepository(), createTargetRepository());
  }, 120_000);

  afterAll(async () => {
    for (const child of [web, ...workers].filter(Boolean).map((process) => process.child))
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    await model?.close();
    await server?.stop();
    for (const target of targets) target.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('spreads fix operations over both workers, each ending with one commit; a stopped one drains', async () => {
    const started = Date.now();
    for (const [index, target] of targets.entries()) {
      const added = await api('POST', '/api/repos', { name: `cart-${index}`, path: target.path });
      expect(added.status, added.text).toBe(201);
    }
    const bases = targets.map((target) => target.head());

    // A web process enqueues and runs nothing; a worker answers only its probes and metrics.
    for (const worker of workers) {
      expect((await fetch(`${worker.url}/ready`)).status).toBe(200);
      expect((await fetch(`${worker.url}/metrics`)).status).toBe(401);
      expect((await api('GET', '/api/operations', undefined, worker.url)).status).toBe(404);
    }
    expect((await fetch(`${web.url}/ready`)).status).toBe(200);

    const ids: { id: string; repo: number }[] = [];
    for (let index = 0; index < 5; index += 1) {
      const repo = index % 2;
      const created = await api('POST', '/api/operations', { type: 'fix', description: `total() ignores quantity (report ${index})`, repo: `cart-${repo}` });
      expect(created.status, created.text).toBe(201);
      ids.push({ id: created.json.id, repo });
    }
    // All five under one deadline: on a loaded machine the queue may reach the first one late.
    const operations = await Promise.all(ids.map(({ id }) => settled(id, 150_000)));
    ids.forEach(({ repo }, index) => expect(targets[repo]!.git('rev-list', '--count', `${bases[repo]}..${operations[index].branch}`)).toBe('1'));
    const firstFive = Date.now() - started;

    // Both workers did part of the work: each started execution jobs of these operations.
    const executedBy = workers.map(
      (worker) =>
        new Set(
          jobStarts(worker)
            .filter((job) => job.queue === 'execution')
            .map((job) => job.operationId),
        ),
    );
    expect(executedBy[0]!.size).toBeGreaterThan(0);
    expect(executedBy[1]!.size).toBeGreaterThan(0);
    expect(executedBy[0]!.size + executedBy[1]!.size).toBe(5);
    const metrics = await api('GET', '/metrics', undefined, workers[0]!.url);
    expect(metrics.text).toMatch(/mender_queue_jobs\{queue="execution",state="waiting"\} 0/);
    expect(metrics.text).toMatch(/mender_worker_busy \d/);
    expect((await api('GET', '/metrics')).text).toContain('mender_worker_busy 0');

    // A drain: SIGTERM while a step runs; the worker takes no new job, finishes the step, then exits.
    const drained = await api('POST', '/api/operations', { type: 'fix', description: `total() ignores quantity (${drainMarker})`, repo: 'cart-1' });
    const drainedId: string = drained.json.id;
    await waitFor('the drained operation to be in its coder', async () =>
      model.requests.filter((request) => request.role === 'coder' && JSON.stringify(request.body).includes(drainMarker)).length >= 2 ? true : undefined,
    );
    const terminatedAt = Date.now();
    // The worker running its execution is stopped.
    const survivor = workers.find((worker) => jobStarts(worker).some((job) => job.queue === 'execution' && job.operationId === drainedId))!;
    expect(survivor, 'a worker runs the drained operation').toBeDefined();
    const exited = new Promise<number | null>((resolve) => survivor.child.once('exit', (code) => resolve(code)));
    survivor.child.kill('SIGTERM');
    // Draining: out of readiness (no rollout waits on it), still alive for the liveness probe.
    const whileDraining = await waitFor('the draining worker to report it is stopping', async () => {
      const ready = await fetch(`${survivor.url}/ready`).catch(() => undefined);
      if (ready?.status !== 503) return undefined;
      return { ready: await ready.json(), health: (await fetch(`${survivor.url}/health`)).status };
    });
    expect(whileDraining).toEqual({ ready: { status: 'stopping' }, health: 200 });
    const exitCode = await exited;
    const exitedAt = Date.now();
    expect(exitCode).toBe(0);
    // What the operation shows now is what the drained worker finished, not a takeover.
    const afterDrain = (await api('GET', `/api/operations/${drainedId}`)).json;
    expect(afterDrain.status).toBe('awaiting_approval');
    expect(afterDrain.timeline.map((event: { type: string }) => event.type)).not.toContain('execution.resumed');
    expect(targets[1]!.git('rev-list', '--count', `${bases[1]}..${afterDrain.branch}`)).toBe('1');
    console.log(
      `scale-out: 5 operations on 2 workers in ${firstFive} ms (worker 0 executed ${executedBy[0]!.size}, worker 1 ${executedBy[1]!.size}); ` +
        `a SIGTERM mid-step drained in ${exitedAt - terminatedAt} ms, the step finished on the same worker`,
    );
  }, 300_000);
});
