/**
 * Event-stream fan-out benchmark: 1,000 concurrent `GET /api/events` clients on one Mender.
 * Target: p99 ≤ 250 ms from an event being recorded to the LAST client receiving it.
 * Prints a table and, last, one JSON line; never asserts.
 *
 *   npm run bench:sse        (BENCH_CLIENTS, BENCH_EVENTS and BENCH_GAP_MS change the load)
 *
 * Mender runs as its own process (`mender start`, embedded defaults, a temporary data folder), so
 * its memory is its own: RSS from /proc and the heap from its /metrics, before and after the
 * clients connect. The clients are raw HTTP connections in this process, each parsing its frames.
 * Events are recorded through the real path: `POST /api/agent/pause` and `/resume`, each one
 * transaction that writes an event and its audit entry, then publishes it.
 * "Recorded" is the event's `at` (the database's transaction time, a little before commit, so the
 * figure errs long); "received" is when the last client's socket delivered the event's frame.
 * A baseline with one client runs first, in the same process, on the same server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { formatMs, round, table } from './support/figures.ts';

const clientCount = Number(process.env.BENCH_CLIENTS ?? 1000);
const eventCount = Number(process.env.BENCH_EVENTS ?? 200);
const gapMs = Number(process.env.BENCH_GAP_MS ?? 25);
const baselineEvents = 50;
const targetP99Ms = 250;
const adminToken = 'bench-sse-admin-token-0123456789';
const menderBin = path.resolve(import.meta.dirname, '../bin/mender.mjs');
const progress = (text: string) => process.stderr.write(`${text}\n`);

interface StartedMender {
  url: string;
  child: ChildProcess;
  dataDir: string;
}

async function startMenderProcess(): Promise<StartedMender> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-bench-sse-'));
  const child = spawn(process.execPath, [menderBin, 'start'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      MENDER_DATA_DIR: dataDir,
      MENDER_PORT: '0',
      MENDER_ADMIN_TOKEN: adminToken,
      MENDER_LOG_LEVEL: 'warn',
      MENDER_SANDBOX: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`mender exited with ${code} before listening:\n${stderr}`)));
  });
  return { url, child, dataDir };
}

function request(url: string, method: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, { method, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end(method === 'POST' ? '{}' : undefined);
  });
}

/** CPU time (user + system) the server process has used so far, in milliseconds, from /proc. */
function serverCpuMs(mender: StartedMender): number {
  const fields = fs.readFileSync(`/proc/${mender.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat (12 and 13 after the command name), in clock ticks.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/**
 * The server's memory: resident set (from /proc) and V8 heap in use (from its /metrics). The least
 * of several samples over two seconds, which is close to the figure after a garbage collection.
 */
async function serverMemory(mender: StartedMender): Promise<{ rssBytes: number; heapUsedBytes: number }> {
  let rssBytes = Number.POSITIVE_INFINITY;
  let heapUsedBytes = Number.POSITIVE_INFINITY;
  for (let sample = 0; sample < 10; sample++) {
    const status = fs.readFileSync(`/proc/${mender.child.pid}/status`, 'utf8');
    rssBytes = Math.min(rssBytes, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) * 1024);
    const metrics = (await request(`${mender.url}/metrics`, 'GET')).body;
    heapUsedBytes = Math.min(heapUsedBytes, Number(/^mender_process_nodejs_heap_size_used_bytes (\S+)/m.exec(metrics)?.[1] ?? Number.NaN));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { rssBytes, heapUsedBytes };
}

interface StreamClient {
  /** Arrival time (epoch ms, fractional) of each event id this client received. */
  received: Map<number, number>;
  /** For the recording client only: each event's recording time (its `at`), by id. */
  recordedAt: Map<number, number>;
  close(): void;
}

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const epochNow = () => performance.timeOrigin + performance.now();

function openClient(url: string, readData = false): Promise<StreamClient> {
  return new Promise((resolve, reject) => {
    const received = new Map<number, number>();
    const recordedAt = new Map<number, number>();
    const outgoing = http.get(`${url}/api/events`, { agent, headers: { authorization: `Bearer ${adminToken}`, accept: 'text/event-stream' } }, (response) => {
      if (response.statusCode !== 200) return reject(new Error(`event stream answered ${response.statusCode}`));
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        const at = epochNow();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!frame.startsWith('id: ')) continue;
          const sequence = Number(frame.slice(4, frame.indexOf('\n')));
          received.set(sequence, at);
          if (readData) {
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            if (data) recordedAt.set(sequence, Date.parse((JSON.parse(data) as { at: string }).at));
          }
        }
      });
      resolve({ received, recordedAt, close: () => outgoing.destroy() });
    });
    outgoing.on('error', reject);
  });
}

/** Pauses and resumes in turn, `count` times, each answered before the next (one event each). */
async function recordEvents(url: string, count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const action = index % 2 === 0 ? 'pause' : 'resume';
    const answer = await request(`${url}/api/agent/${action}`, 'POST');
    if (answer.status !== 200) throw new Error(`${action} answered ${answer.status}: ${answer.body}`);
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

interface PhaseFigures {
  clients: number;
  events: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  missed: number;
  /** p50/p99 from the event's recording to the FIRST client: the write path (transaction, commit, publish). */
  firstP50: number;
  firstP99: number;
  /** p50/p99 from the first client to the last: the fan-out itself. */
  spreadP50: number;
  spreadP99: number;
}

async function runPhase(url: string, clients: StreamClient[], recorder: StreamClient, events: number): Promise<PhaseFigures> {
  const before = Math.max(0, ...recorder.recordedAt.keys());
  await recordEvents(url, events);
  // Let the last frames arrive.
  const deadline = Date.now() + 10_000;
  const phaseEvents = () => [...recorder.recordedAt].filter(([sequence]) => sequence > before);
  const allArrived = () => phaseEvents().length >= events && phaseEvents().every(([sequence]) => clients.every((client) => client.received.has(sequence)));
  while (!allArrived() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const latencies: number[] = [];
  const toFirst: number[] = [];
  const spreads: number[] = [];
  let missed = 0;
  for (const [sequence, recordedAt] of phaseEvents()) {
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    for (const client of clients) {
      const at = client.received.get(sequence);
      if (at === undefined) missed++;
      else {
        last = Math.max(last, at);
        first = Math.min(first, at);
      }
    }
    if (last > 0) {
      latencies.push(last - recordedAt);
      toFirst.push(first - recordedAt);
      spreads.push(last - first);
    }
  }
  for (const list of [latencies, toFirst, spreads]) list.sort((a, b) => a - b);
  return {
    clients: clients.length,
    events: phaseEvents().length,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    p99: percentile(latencies, 0.99),
    max: latencies.at(-1) ?? Number.NaN,
    missed,
    firstP50: percentile(toFirst, 0.5),
    firstP99: percentile(toFirst, 0.99),
    spreadP50: percentile(spreads, 0.5),
    spreadP99: percentile(spreads, 0.99),
  };
}

const mender = await startMenderProcess();
progress(`mender listening on ${mender.url}`);
try {
  const baselineClient = await openClient(mender.url, true);
  const baselineCpuStart = serverCpuMs(mender);
  const baseline = await runPhase(mender.url, [baselineClient], baselineClient, baselineEvents);
  const baselineCpuPerEvent = (serverCpuMs(mender) - baselineCpuStart) / baselineEvents;
  baselineClient.close();
  await new Promise((resolve) => setTimeout(resolve, 500));

  // Memory per client is measured between half and all of the clients: both states are past the
  // start-up transients (the embedded database's memory settles in the first seconds).
  progress(`opening ${clientCount} event-stream clients…`);
  const clients: StreamClient[] = [];
  const half = Math.floor(clientCount / 2);
  const openUpTo = async (count: number) => {
    while (clients.length < count) {
      const batch = Math.min(100, count - clients.length);
      const first = clients.length === 0;
      clients.push(...(await Promise.all(Array.from({ length: batch }, (_, offset) => openClient(mender.url, first && offset === 0)))));
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  };
  await openUpTo(half);
  const before = await serverMemory(mender);
  await openUpTo(clientCount);
  const connected = await serverMemory(mender);
  const measuredClients = clientCount - half;
  progress(`recording ${eventCount} events (${gapMs} ms apart) to ${clients.length} clients…`);
  const loadedCpuStart = serverCpuMs(mender);
  const clientCpuStart = process.cpuUsage();
  const loaded = await runPhase(mender.url, clients, clients[0]!, eventCount);
  const loadedCpuPerEvent = (serverCpuMs(mender) - loadedCpuStart) / eventCount;
  const clientCpu = process.cpuUsage(clientCpuStart);
  const clientCpuPerEvent = (clientCpu.user + clientCpu.system) / 1000 / eventCount;
  const after = await serverMemory(mender);
  for (const client of clients) client.close();

  const perClient = (delta: number) => delta / measuredClients;
  const rows = [baseline, loaded].map((phase) => [
    `${phase.clients} client${phase.clients === 1 ? '' : 's'}`,
    String(phase.events),
    formatMs(phase.p50),
    formatMs(phase.p95),
    formatMs(phase.p99),
    formatMs(phase.max),
    String(phase.missed),
  ]);
  process.stdout.write(`\nEvent recorded → last client received it (${os.cpus().length} cores, Node ${process.version})\n`);
  process.stdout.write(`${table(['phase', 'events', 'p50', 'p95', 'p99', 'max', 'missed'], rows)}\n\n`);
  const parts = [baseline, loaded].map((phase) => [
    `${phase.clients} client${phase.clients === 1 ? '' : 's'}`,
    formatMs(phase.firstP50),
    formatMs(phase.firstP99),
    formatMs(phase.spreadP50),
    formatMs(phase.spreadP99),
  ]);
  process.stdout.write(`Where the time goes: recorded → first client (write path: transaction, commit, publish) and first → last client (fan-out)\n`);
  process.stdout.write(`${table(['phase', 'to first p50', 'to first p99', 'fan-out p50', 'fan-out p99'], parts)}\n\n`);
  process.stdout.write(
    `Server memory per client: RSS ${(perClient(connected.rssBytes - before.rssBytes) / 1024).toFixed(1)} KiB, heap ${(perClient(connected.heapUsedBytes - before.heapUsedBytes) / 1024).toFixed(1)} KiB ` +
      `(RSS ${(before.rssBytes / 2 ** 20).toFixed(1)} MiB with ${half} clients → ${(connected.rssBytes / 2 ** 20).toFixed(1)} MiB with ${clientCount}, ${(after.rssBytes / 2 ** 20).toFixed(1)} MiB after the events)\n`,
  );
  process.stdout.write(
    `CPU per event: server ${formatMs(baselineCpuPerEvent)} with 1 client, ${formatMs(loadedCpuPerEvent)} with ${clientCount} (${(((loadedCpuPerEvent - baselineCpuPerEvent) / clientCount) * 1000).toFixed(1)} µs per extra client); the ${clientCount} clients in this process ${formatMs(clientCpuPerEvent)}; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores\n`,
  );
  process.stdout.write(`p99 ${formatMs(loaded.p99)} against the target of ${targetP99Ms} ms: ${loaded.p99 <= targetP99Ms ? 'met' : 'NOT met'}\n`);
  process.stdout.write(
    `${JSON.stringify({
      clients: clientCount,
      events: eventCount,
      gapMs,
      baseline: { p50: round(baseline.p50), p95: round(baseline.p95), p99: round(baseline.p99) },
      p50: round(loaded.p50),
      p95: round(loaded.p95),
      p99: round(loaded.p99),
      max: round(loaded.max),
      missed: loaded.missed,
      serverCpuMsPerEvent: { oneClient: round(baselineCpuPerEvent), loaded: round(loadedCpuPerEvent) },
      clientCpuMsPerEvent: round(clientCpuPerEvent),
      loadAverage: round(os.loadavg()[0]!),
      toFirstClient: { p50: round(loaded.firstP50), p99: round(loaded.firstP99) },
      fanOut: { p50: round(loaded.spreadP50), p99: round(loaded.spreadP99) },
      rssPerClientBytes: Math.round(perClient(connected.rssBytes - before.rssBytes)),
      heapPerClientBytes: Math.round(perClient(connected.heapUsedBytes - before.heapUsedBytes)),
      targetP99Ms,
      met: loaded.p99 <= targetP99Ms,
    })}\n`,
  );
} finally {
  mender.child.kill('SIGTERM');
  await new Promise((resolve) => mender.child.once('exit', resolve));
  fs.rmSync(mender.dataDir, { recursive: true, force: true });
  agent.destroy();
}
