/**
 * Ingest benchmark: Sentry envelopes per second through Mender's real endpoint (a `mender start`
 * process on PGlite: key check, parsing, group-committed durable insert, with the digest grouping
 * behind it) against a bare Node HTTP server that reads the same requests and answers 200, with
 * the same client in the same run. Then a storm of 1,000,000 identical events (100 per envelope)
 * through the same endpoint: one issue, at most one operation, and Mender's peak memory (VmHWM).
 * Prints figures and, last, one JSON line; never asserts.
 *
 *   npm run bench:ingest        (BENCH_SECONDS, BENCH_CONCURRENCY, BENCH_STORM_EVENTS change the sizes;
 *                               BENCH_PROFILE=<folder> writes Mender's CPU profile there)
 *
 * BENCH_KINDS (default 20) is the number of distinct errors in the sustained run; each becomes a
 * P1 issue that starts a fix operation (which fails at once: no model is configured).
 *
 * Targets: ≥ 3,000 events/s sustained, ≥ 50% of the bare server's rate, p99 ≤ 50 ms, peak ≤ 300 MB.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createTargetRepository } from '../test/support/target-repository.ts';
import { freePort, waitForHealth } from '../test/support/mender-process.ts';
import { formatMs, now, p99BySecond, percentile, round, table } from './support/figures.ts';
import { menderLauncher, profileEnvironment } from './support/profile.ts';
import { prepareMenderRuntime } from './support/compiled-mender.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const stormEvents = Number(process.env.BENCH_STORM_EVENTS ?? 1_000_000);
const stormPerEnvelope = 100;
const kinds = Number(process.env.BENCH_KINDS ?? 20);
const token = 'bench-ingest-admin-token-0123';
const progress = (text: string) => process.stderr.write(`${text}\n`);

/** A Sentry event as @sentry/node sends it, about 1.3 KB: one of `kinds` distinct errors. */
function sentryEvent(index: number, kinds: number): string {
  const kind = index % kinds;
  return JSON.stringify({
    event_id: crypto.randomUUID().replace(/-/g, ''),
    timestamp: Date.now() / 1000,
    platform: 'node',
    level: 'error',
    release: 'shop@1.4.2',
    environment: 'production',
    user: { id: `user-${index % 50}` },
    request: { url: `https://shop.example/api/cart/${index}`, method: 'POST' },
    exception: {
      values: [
        {
          type: 'TypeError',
          value: `Cannot read properties of undefined (reading 'price') at item ${index}`,
          mechanism: { type: 'onuncaughtexception', handled: false },
          stacktrace: {
            frames: [
              { filename: 'node:internal/process/task_queues', function: 'process.processTicksAndRejections', lineno: 95, colno: 5, in_app: false },
              {
                filename: '/srv/shop/node_modules/express/lib/router/layer.js',
                module: 'express.lib.router:layer',
                function: 'Layer.handle',
                lineno: 95,
                colno: 5,
                in_app: false,
              },
              { filename: '/srv/shop/src/routes/cart.js', module: 'routes:cart', function: 'postCart', lineno: 41, colno: 12, in_app: true },
              { filename: '/srv/shop/src/cart/total.js', module: 'cart:total', function: `lineTotal${kind}`, lineno: 17, colno: 30, in_app: true },
            ],
          },
        },
      ],
    },
    sdk: { name: 'sentry.javascript.node', version: '10.0.0' },
  });
}

function envelope(events: string[]): string {
  return `${JSON.stringify({ sent_at: new Date().toISOString() })}\n${events.map((event) => `${JSON.stringify({ type: 'event', length: Buffer.byteLength(event) })}\n${event}`).join('\n')}\n`;
}

interface LoadResult {
  requests: number;
  events: number;
  errors: number;
  seconds: number;
  latencies: number[];
  /** When each answered request was sent, ms after the load started (same order as `latencies`). */
  sentAt: number[];
}

/** Keeps `parallel` requests in flight for `durationMs` (or until `limit` requests), on keep-alive connections. */
async function load(
  url: string,
  durationMs: number,
  parallel: number,
  body: (index: number) => string,
  eventsPerRequest: number,
  limit = Infinity,
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: parallel });
  const target = new URL(url);
  const latencies: number[] = [];
  const sentAt: number[] = [];
  let requests = 0;
  let errors = 0;
  let next = 0;
  const start = now();
  const send = (payload: string) =>
    new Promise<number>((resolve, reject) => {
      const request = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method: 'POST',
          headers: { 'content-type': 'application/x-sentry-envelope', 'content-length': Buffer.byteLength(payload) },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  const worker = async () => {
    while (now() - start < durationMs && next < limit) {
      const payload = body(next++);
      const sent = now();
      const status = await send(payload).catch(() => 0);
      if (status === 200) {
        latencies.push(now() - sent);
        sentAt.push(sent - start);
        requests += 1;
      } else errors += 1;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  agent.destroy();
  return { requests, events: requests * eventsPerRequest, errors, seconds: (now() - start) / 1000, latencies, sentAt };
}

function peakMegabytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

const bareServerSource = `
const http = require('node:http');
http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ id: body.length ? 'ok' : null }));
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

async function main(): Promise<void> {
  const runtime = prepareMenderRuntime();
  progress(`mender runs ${runtime.runtime}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-bench-ingest-'));
  const target = createTargetRepository();
  const children: ChildProcess[] = [];
  try {
    const barePort = await freePort();
    const bare = spawn(process.execPath, ['-e', bareServerSource], { env: { PORT: String(barePort) }, stdio: 'ignore' });
    children.push(bare);
    const menderPort = await freePort();
    let menderLog = '';
    const mender = spawn(menderLauncher, ['start'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...runtime.env,
        ...profileEnvironment(),
        MENDER_DATA_DIR: dataDir,
        MENDER_PORT: String(menderPort),
        MENDER_ADMIN_TOKEN: token,
        MENDER_LOG_LEVEL: 'warn',
        MENDER_SANDBOX: 'off',
        MENDER_TWO_PERSON_RULE: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(mender);
    mender.stdout!.on('data', (chunk) => (menderLog += chunk));
    mender.stderr!.on('data', (chunk) => (menderLog += chunk));
    const menderUrl = `http://127.0.0.1:${menderPort}`;
    const bareUrl = `http://127.0.0.1:${barePort}`;
    await waitForHealth(menderUrl, mender, () => menderLog);
    await waitForHealth(bareUrl, bare, () => '');
    const api = async (method: string, route: string, body?: unknown) =>
      (
        await fetch(`${menderUrl}${route}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
      ).json() as Promise<any>;
    await api('POST', '/api/repos', { name: 'shop', path: target.path });
    const project = await api('POST', '/api/projects', { name: 'shop', repo: 'shop', rateLimitPerMinute: 100_000_000 });
    const ingestUrl = `${menderUrl}/api/${project.id}/envelope/?sentry_key=${project.publicKey}`;
    const oneEvent = (index: number) => envelope([sentryEvent(index, kinds)]);

    // Where the memory is, from Mender's own /metrics: the JavaScript heap, and memory outside it
    // (PGlite's WebAssembly memory is most of "external").
    const memoryBreakdown = async () => {
      const text = await (await fetch(`${menderUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
      const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 1024 / 1024;
      return `resident ${round(metric('mender_process_process_resident_memory_bytes'))} MB = JS heap ${round(metric('mender_process_nodejs_heap_size_total_bytes'))} MB (${round(metric('mender_process_nodejs_heap_size_used_bytes'))} used) + external ${round(metric('mender_process_nodejs_external_memory_bytes'))} MB + code and the rest`;
    };
    progress(`memory at start: ${await memoryBreakdown()}`);
    progress(`warming up (${concurrency} connections)…`);
    await load(`${bareUrl}/api/${project.id}/envelope/`, 2_000, concurrency, oneEvent, 1);
    await load(ingestUrl, 2_000, concurrency, oneEvent, 1);
    const drain = async () => {
      const started = now();
      while ((await api('GET', '/api/detection')).pending > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      return (now() - started) / 1000;
    };
    await drain();

    progress(`bare server, ${seconds} s…`);
    const bareResult = await load(`${bareUrl}/api/${project.id}/envelope/`, seconds * 1000, concurrency, oneEvent, 1);
    progress(`mender, ${seconds} s…`);
    const before = await api('GET', '/api/detection');
    const menderResult = await load(ingestUrl, seconds * 1000, concurrency, oneEvent, 1);
    const backlogAtEnd = (await api('GET', '/api/detection')).pending;
    const drainSeconds = await drain();
    const after = await api('GET', '/api/detection');
    const digestRate = (after.processed - before.processed) / (menderResult.seconds + drainSeconds);
    const sustainedPeak = peakMegabytes(mender.pid!);
    const sustainedMemory = await memoryBreakdown();

    progress(`storm: ${stormEvents} identical events, ${stormPerEnvelope} per envelope…`);
    const stormProject = await api('POST', '/api/projects', { name: 'storm', repo: 'shop', rateLimitPerMinute: 100_000_000 });
    const stormUrl = `${menderUrl}/api/${stormProject.id}/envelope/?sentry_key=${stormProject.publicKey}`;
    const stormEnvelope = envelope(Array.from({ length: stormPerEnvelope }, () => sentryEvent(7, 1000)));
    const stormStarted = now();
    const storm = await load(stormUrl, stormEvents > 0 ? Infinity : 0, 8, () => stormEnvelope, stormPerEnvelope, stormEvents / stormPerEnvelope);
    const stormDrain = await drain();
    const stormSeconds = (now() - stormStarted) / 1000;
    const stormIssues = (await api('GET', '/api/issues?limit=500')).issues.filter((issue: { projectId: number }) => issue.projectId === stormProject.id);
    const detectorOperations = (await api('GET', '/api/operations?limit=500')).operations.filter(
      (operation: { source: string }) => operation.source === 'detector',
    );
    const stormOperations = detectorOperations.filter((operation: { id: string }) =>
      stormIssues.some((issue: { operations: { id: string }[] }) => issue.operations.some((linked) => linked.id === operation.id)),
    );
    const peak = peakMegabytes(mender.pid!);
    const stormMemory = await memoryBreakdown();

    const bareRate = bareResult.events / bareResult.seconds;
    const menderRate = menderResult.events / menderResult.seconds;
    const rows = [
      [
        'bare Node HTTP server',
        `${round(bareRate)}`,
        formatMs(percentile(bareResult.latencies, 0.5)),
        formatMs(percentile(bareResult.latencies, 0.99)),
        String(bareResult.errors),
        '—',
      ],
      [
        'mender envelope endpoint',
        `${round(menderRate)}`,
        formatMs(percentile(menderResult.latencies, 0.5)),
        formatMs(percentile(menderResult.latencies, 0.99)),
        String(menderResult.errors),
        `${Math.round((menderRate / bareRate) * 100)}%`,
      ],
    ];
    process.stdout.write(`\n${table(['1 event per envelope, ' + concurrency + ' connections', 'events/s', 'p50', 'p99', 'errors', 'of bare'], rows)}\n`);
    process.stdout.write(`\nmender p99 in each second of the run (ms): ${p99BySecond(menderResult.sentAt, menderResult.latencies)}\n`);
    process.stdout.write(
      `digest: backlog ${backlogAtEnd} events when the load stopped, drained in ${round(drainSeconds)} s; ${round(digestRate)} events/s grouped over load + drain\n`,
    );
    process.stdout.write(
      `storm: ${storm.events} events in ${storm.requests} envelopes accepted in ${round(storm.seconds)} s (${round(storm.events / storm.seconds)} events/s, ${storm.errors} refused), grouped by ${round(stormSeconds)} s (drain ${round(stormDrain)} s)\n`,
    );
    process.stdout.write(
      `storm result: ${stormIssues.length} issue(s), count ${stormIssues.map((issue: { count: number }) => issue.count).join(', ')}, severity ${stormIssues.map((issue: { severity: string }) => issue.severity).join(', ')}, ${stormOperations.length} operation(s)\n`,
    );
    process.stdout.write(`mender ran ${runtime.runtime}\n`);
    process.stdout.write(`peak memory of the Mender process (VmHWM): ${round(sustainedPeak)} MB after the sustained run, ${round(peak)} MB after the storm\n`);
    process.stdout.write(`memory after the sustained run: ${sustainedMemory}\nmemory after the storm: ${stormMemory}\n`);
    process.stdout.write(
      `targets: ≥3000 events/s ${menderRate >= 3000 ? 'met' : 'NOT met'}; ≥50% of bare ${menderRate / bareRate >= 0.5 ? 'met' : 'NOT met'}; p99 ≤ 50 ms ${percentile(menderResult.latencies, 0.99) <= 50 ? 'met' : 'NOT met'}; peak ≤ 300 MB ${peak <= 300 ? 'met' : 'NOT met'}\n`,
    );
    process.stdout.write(
      `${JSON.stringify({ bench: 'ingest', runtime: runtime.runtime, cpus: os.cpus().length, loadAverage: os.loadavg()[0], concurrency, seconds, bare: { eventsPerSecond: round(bareRate), p50: round(percentile(bareResult.latencies, 0.5)), p99: round(percentile(bareResult.latencies, 0.99)) }, mender: { eventsPerSecond: round(menderRate), p50: round(percentile(menderResult.latencies, 0.5)), p99: round(percentile(menderResult.latencies, 0.99)), errors: menderResult.errors, backlogAtEnd, drainSeconds: round(drainSeconds), digestEventsPerSecond: round(digestRate) }, storm: { events: storm.events, acceptSeconds: round(storm.seconds), totalSeconds: round(stormSeconds), issues: stormIssues.length, counts: stormIssues.map((issue: { count: number }) => issue.count), operations: stormOperations.length }, peakMegabytes: { sustained: round(sustainedPeak), storm: round(peak) } })}\n`,
    );
  } finally {
    // SIGTERM: Mender shuts down and writes its CPU profile when BENCH_PROFILE asked for one.
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM')) : undefined)));
    target.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
