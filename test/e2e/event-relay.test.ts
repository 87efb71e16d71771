import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleScript, startScriptedModelServer, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { runMenderCli } from '../support/mender-cli.ts';
import { startMenderProcess, type MenderProcess } from '../support/mender-process.ts';
import { postgresAvailable, startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { callMender } from '../support/mender-http.ts';

const token = 'event-relay-admin-token-0123456789';

interface StreamedEvent {
  sequence: number;
  operationId: string | null;
  type: string;
  data: Record<string, unknown>;
}

/** An SSE client of `/api/events`: collects the frames' events as they arrive. */
function openEventStream(url: string, lastEventId?: number) {
  const received: StreamedEvent[] = [];
  const waiters: { predicate: (event: StreamedEvent) => boolean; resolve: () => void }[] = [];
  const abort = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
  if (lastEventId !== undefined) headers['last-event-id'] = String(lastEventId);
  const done = (async () => {
    const response = await fetch(`${url}/api/events?names=off`, { headers, signal: abort.signal });
    if (response.status !== 200 || !response.body) throw new Error(`GET /api/events answered ${response.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split('\n').find((line) => line.startsWith('data: '));
        if (!data) continue; // a comment: connected, heartbeat
        const event = JSON.parse(data.slice('data: '.length)) as StreamedEvent;
        received.push(event);
        for (const waiter of waiters.filter((candidate) => candidate.predicate(event))) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    }
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) throw error;
  });
  return {
    received,
    /** Resolves once an event matching `predicate` arrived (at once if one already did). */
    until(predicate: (event: StreamedEvent) => boolean): Promise<void> {
      if (received.some(predicate)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    async close() {
      abort.abort();
      await done;
    },
  };
}

/** The value of one sample in a Prometheus text page, or undefined when absent. */
function sample(page: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of page.split('\n')) {
    if (!line.startsWith(name)) continue;
    const [series, value] = line.split(' ');
    if (!series || (series !== name && !series.startsWith(`${name}{`))) continue;
    if (wanted.every((label) => series.includes(label))) return Number(value);
  }
  return undefined;
}

describe.skipIf(!postgresAvailable())('events cross processes: a web and a worker process on PostgreSQL', () => {
  let server: PostgresServer | undefined;
  let model: ScriptedModelServer;
  let web: MenderProcess;
  let worker: MenderProcess;
  let target: TargetRepository;
  let database: pg.Client;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-relay-'));

  const api = (method: string, route: string, body?: unknown, url = web.url) => callMender(url, token, method, route, body);
  const metrics = async (url: string) => (await api('GET', '/metrics', undefined, url)).text;
  const tableSequences = async (from: number, through: number) =>
    (
      await database.query<{ sequence: string }>('SELECT sequence FROM events WHERE sequence >= $1 AND sequence <= $2 ORDER BY sequence', [from, through])
    ).rows.map((row) => Number(row.sequence));

  beforeAll(async () => {
    server = await startPostgresServer();
    model = await startScriptedModelServer(roleScript({ planner: plannerReplies, coder: coderReplies(), reviewer: reviewerReplies }));
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: server!.url,
      MENDER_DATA_DIR: dataDir,
      MENDER_ADMIN_TOKEN: token,
      MENDER_TWO_PERSON_RULE: 'false',
      MENDER_MODEL: 'openai-compatible:scripted-model',
      MENDER_MODEL_BASE_URL: model.url,
      MENDER_MODEL_RETRIES: '0',
    };
    // The web process first: it migrates the database the worker then finds ready.
    web = await startMenderProcess({ env, args: ['--role', 'web'], tries: 600 });
    worker = await startMenderProcess({ env, args: ['--role', 'worker'], tries: 600 });
    target = createTargetRepository();
    database = new pg.Client({ connectionString: server!.url });
    await database.connect();
  }, 120_000);

  afterAll(async () => {
    await database?.end();
    for (const child of [web, worker].filter(Boolean).map((process) => process.child))
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    await model?.close();
    await server?.stop();
    target?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('streams every event of an operation the worker runs to an SSE client of the web process, in order, without a gap; a resumed stream gets exactly the rest; `--wait` follows it', async () => {
    expect((await api('POST', '/api/repos', { name: 'cart', path: target.path })).status).toBe(201);
    const stream = openEventStream(web.url);

    // `mender fix --wait` against the web process: every step after the first is recorded by the worker.
    const cliEnv = { PATH: process.env.PATH, HOME: process.env.HOME, MENDER_URL: web.url, MENDER_ADMIN_TOKEN: token, MENDER_DATA_DIR: dataDir };
    const waited = await runMenderCli(cliEnv, 'fix', 'cart total ignores quantity', '--repo', 'cart', '--wait', '--json');
    expect(waited.exitCode, waited.stderr).toBe(0);
    const operation = JSON.parse(waited.stdout) as { id: string; status: string };
    expect(operation.status).toBe('awaiting_approval');

    const ofOperation = (event: StreamedEvent) => event.operationId === operation.id;
    await stream.until((event) => ofOperation(event) && event.data.to === 'awaiting_approval');
    const received = stream.received.map((event) => event.sequence);
    // The stream replayed from the start and followed: exactly the table's events, in sequence order.
    expect(received).toEqual(await tableSequences(1, received.at(-1)!));
    const types = stream.received.filter(ofOperation).map((event) => event.type);
    expect(types[0]).toBe('operation.created');
    expect(types).toContain('planning.started');
    // Recorded by the worker: its log names the operation's jobs, the web process runs none.
    expect(worker.output()).toContain(operation.id);

    // Resumed in the middle (as a browser does with Last-Event-ID): exactly the rest, then it follows live.
    const middle = received[Math.floor(received.length / 2)]!;
    const resumed = openEventStream(web.url, middle);
    await resumed.until((event) => event.sequence === received.at(-1));
    expect(resumed.received.map((event) => event.sequence)).toEqual(received.filter((sequence) => sequence > middle));

    // A transition recorded by the web process itself reaches both streams through the same order.
    expect((await api('POST', `/api/operations/${operation.id}/cancel`, { comment: 'not now' })).status).toBe(200);
    const cancelled = (event: StreamedEvent) => ofOperation(event) && event.data.to === 'cancelled';
    await Promise.all([stream.until(cancelled), resumed.until(cancelled)]);
    const last = stream.received.at(-1)!.sequence;
    expect(stream.received.map((event) => event.sequence)).toEqual(await tableSequences(1, last));
    expect(resumed.received.map((event) => event.sequence)).toEqual(await tableSequences(middle + 1, last));
    await Promise.all([stream.close(), resumed.close()]);

    // Metrics: each process counts the transitions it recorded, so sum() over processes is exact.
    const started = async () => {
      for (;;) {
        const [webPage, workerPage] = [await metrics(web.url), await metrics(worker.url)];
        const byWorker = sample(workerPage, 'mender_operations_started_total', { type: 'fix' });
        const completedByWeb = sample(webPage, 'mender_operations_completed_total', { type: 'fix', outcome: 'cancelled' });
        if (byWorker !== undefined && completedByWeb !== undefined) return { webPage, workerPage };
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const { webPage, workerPage } = await started();
    expect(sample(workerPage, 'mender_operations_started_total', { type: 'fix' })).toBe(1);
    expect(sample(webPage, 'mender_operations_started_total', { type: 'fix' }) ?? 0).toBe(0);
    expect(sample(webPage, 'mender_operations_completed_total', { type: 'fix', outcome: 'cancelled' })).toBe(1);
    expect(sample(workerPage, 'mender_operations_completed_total', { type: 'fix', outcome: 'cancelled' }) ?? 0).toBe(0);
    // Both relay every event: the web process's count covers at least what the stream saw.
    expect(sample(webPage, 'mender_events_relayed_total')).toBeGreaterThanOrEqual(stream.received.length);
    expect(sample(workerPage, 'mender_events_relayed_total')).toBeGreaterThan(0);
    expect(sample(webPage, 'mender_event_relay_lag_seconds')).toBeGreaterThanOrEqual(0);
  }, 180_000);
});
