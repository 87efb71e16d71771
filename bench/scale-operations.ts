/**
 * Operations per minute with 1, 2 and 4 worker processes: one `web` and N `worker` processes of
 * Mender on one PostgreSQL server (a fresh database per size), the scripted model answering at
 * once, and the cart repository's own vitest suite as the test run of every step (baseline, red,
 * green: a fixed amount of work per operation). Each size runs the same fix operations spread
 * over three repositories, from creation until every one awaits approval.
 * Prints a table and, last, one JSON line; never asserts.
 *
 * Run by `npm run bench:scale` (bench/scale.ts): BENCH_OPERATIONS (default 12) and BENCH_WORKERS
 * (default 1,2,4) change the sizes; BENCH_QUEUE_URL=redis://… runs the jobs through BullMQ.
 *
 * On this 2-core machine the test runs are CPU-bound, so more workers than cores mostly queue for
 * the CPU: the figure to read is how close 2 workers come to twice 1, and that 4 do not fall back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { roleScript, startScriptedModelServer } from '../test/fakes/scripted-model-server.ts';
import { countAssistantTurns } from '../test/fakes/conversation-inspection.ts';
import { startMenderProcess, type MenderProcess } from '../test/support/mender-process.ts';
import { startPostgresServer } from '../test/support/postgres-server.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../test/support/scripted-roles.ts';
import { createTargetRepository, type TargetRepository } from '../test/support/target-repository.ts';
import { round, table } from './support/figures.ts';

const operations = Number(process.env.BENCH_OPERATIONS ?? 12);
const sizes = (process.env.BENCH_WORKERS ?? '1,2,4').split(',').map(Number);
export const queueUrl = process.env.BENCH_QUEUE_URL;
const token = 'bench-scale-admin-token-0123456789';
const progress = (text: string) => process.stderr.write(`${text}\n`);

export interface ScaleRun {
  workers: number;
  operations: number;
  seconds: number;
  perMinute: number;
  failed: number;
}

async function stop(processes: MenderProcess[]): Promise<void> {
  await Promise.all(
    processes.map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }),
  );
}

/** Runs `operations` fix operations through one web and `workers` worker processes on a fresh database. */
async function runSize(databaseUrl: string, modelUrl: string, workers: number): Promise<ScaleRun> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-bench-scale-'));
  const targets: TargetRepository[] = [createTargetRepository(), createTargetRepository(), createTargetRepository()];
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: databaseUrl,
    MENDER_DATA_DIR: dataDir,
    MENDER_ADMIN_TOKEN: token,
    MENDER_TWO_PERSON_RULE: 'false',
    MENDER_MODEL: 'openai-compatible:scripted-model',
    MENDER_MODEL_BASE_URL: modelUrl,
    MENDER_MODEL_RETRIES: '0',
    MENDER_LOG_LEVEL: 'warn',
    MENDER_MAX_OPERATIONS_PER_HOUR: '10000',
    MENDER_MAX_OPERATIONS_PER_DAY: '10000',
    ...(queueUrl ? { MENDER_QUEUE_URL: queueUrl } : {}),
  };
  const processes: MenderProcess[] = [];
  try {
    const web = await startMenderProcess({ env, args: ['--role', 'web'] });
    processes.push(web);
    processes.push(...(await Promise.all(Array.from({ length: workers }, () => startMenderProcess({ env, args: ['--role', 'worker'] })))));
    const api = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${web.url}${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
      return JSON.parse(text) as any;
    };
    for (const [index, target] of targets.entries()) await api('POST', '/api/repos', { name: `cart-${index}`, path: target.path });
    const started = performance.now();
    for (let index = 0; index < operations; index += 1)
      await api('POST', '/api/operations', { type: 'fix', description: `total() ignores quantity (report ${index})`, repo: `cart-${index % 3}` });
    let failed = 0;
    for (;;) {
      const { operations: rows } = (await api('GET', `/api/operations?limit=${operations}`)) as { operations: { status: string }[] };
      const ended = rows.filter((row) => row.status === 'awaiting_approval' || row.status === 'failed');
      failed = rows.filter((row) => row.status === 'failed').length;
      if (ended.length === operations) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const seconds = (performance.now() - started) / 1000;
    return { workers, operations, seconds: round(seconds), perMinute: round((operations / seconds) * 60), failed };
  } finally {
    await stop(processes);
    for (const target of targets) target.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Every size in turn on one PostgreSQL server and one scripted model. */
export async function measureOperationThroughput(): Promise<ScaleRun[]> {
  const server = await startPostgresServer();
  if (!server) throw new Error('bench:scale needs PostgreSQL (apt-get install postgresql): workers share one database');
  const coder = coderReplies();
  const model = await startScriptedModelServer(
    roleScript({ planner: plannerReplies, reviewer: reviewerReplies, coder: (request) => coder[countAssistantTurns(request.body)] ?? { text: 'done' } }),
  );
  const runs: ScaleRun[] = [];
  try {
    for (const workers of sizes) {
      progress(`${operations} operations through 1 web and ${workers} worker process${workers === 1 ? '' : 'es'}…`);
      runs.push(await runSize(await server.createDatabase(), model.url, workers));
    }
  } finally {
    await model.close();
    await server.stop();
  }
  return runs;
}

export function operationThroughputTable(runs: ScaleRun[]): string {
  const single = runs.find((run) => run.workers === 1)?.perMinute;
  return table(
    ['workers', 'operations', 'seconds', 'operations/min', 'vs 1 worker', 'failed'],
    runs.map((run) => [
      String(run.workers),
      String(run.operations),
      String(run.seconds),
      String(run.perMinute),
      single ? `${(run.perMinute / single).toFixed(2)}×` : '',
      String(run.failed),
    ]),
  );
}
