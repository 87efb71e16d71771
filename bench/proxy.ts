/**
 * The local deploy target's proxy: what it adds to each request, what it costs in throughput, and
 * how fast a rollback lands. Targets: ≤ 1 ms added at p99 at 1,000 requests/s; throughput ≥ 80 %
 * of direct; ≤ 1 s from a rollback decision to 100 % of new requests on the stable release.
 * Prints a table and, last, one JSON line; never asserts.
 *
 *   npm run bench:proxy      (BENCH_RATE, BENCH_SECONDS, BENCH_CONCURRENCY change the load)
 *
 * The app (two tiny releases answering their name) runs in its own process, the proxy in its own
 * (started by LocalProxyClient as Mender starts it), the load here: three processes sharing the
 * machine's cores, so on a small machine the proxy competes with the load generator for CPU.
 * Latency: open loop at a fixed rate, from just before the request to the end of the response,
 * direct to the app and through the proxy in alternate seconds of the same run, over keep-alive
 * undici pools; the added latency is the difference of the percentiles. Throughput: a closed loop
 * with BENCH_CONCURRENCY requests in flight, also alternating. Rollback: traffic at the
 * fixed rate split 50/50, then setWeights(100 % stable); the time is from the call to the later of
 * its acknowledgement and the send time of the last request after the call that the canary answered.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { LocalProxyClient } from '../src/deploy/local/local-proxy-client.ts';
import type { Upstreams } from '../src/deploy/local/proxy-protocol.ts';
import { formatMs, median, now, percentile, round, table } from './support/figures.ts';

const rate = Number(process.env.BENCH_RATE ?? 1000);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const rollbacks = 5;
const targets = { addedP99Ms: 1, throughputRatio: 0.8, rollbackMs: 1000 };
const progress = (text: string) => process.stderr.write(`${text}\n`);

/** Two releases in one process, each answering its name: the app under the proxy. */
const appSource = `
import http from 'node:http';
const ports = [];
for (const name of ['stable', 'canary']) {
  const server = http.createServer((request, response) => { request.resume(); response.writeHead(200, { 'content-type': 'text/plain' }); response.end(name); });
  server.keepAliveTimeout = 65000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  ports.push(server.address().port);
}
process.stdout.write(JSON.stringify(ports) + '\\n');
`;

async function startApp() {
  const child = spawn(process.execPath, ['--input-type=module', '-e', appSource], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ports = await new Promise<[number, number]>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString()) as [number, number]));
    child.once('exit', (code) => reject(new Error(`the app exited with ${code}`)));
  });
  return { child, stablePort: ports[0], canaryPort: ports[1] };
}

interface Sample {
  sentAt: number;
  latencyMs: number;
  body: string;
  failed: boolean;
}

async function send(pool: Pool, samples: Sample[]): Promise<void> {
  const sentAt = now();
  try {
    const answer = await pool.request({ path: '/', method: 'GET' });
    const body = await answer.body.text();
    samples.push({ sentAt, latencyMs: now() - sentAt, body, failed: answer.statusCode !== 200 });
  } catch {
    samples.push({ sentAt, latencyMs: now() - sentAt, body: '', failed: true });
  }
}

/** Open loop: every millisecond tick sends the requests due by then, answered or not. */
async function fixedRate(pool: Pool, requestsPerSecond: number, durationMs: number, during?: (elapsedMs: number) => void): Promise<Sample[]> {
  const samples: Sample[] = [];
  const inFlight: Promise<void>[] = [];
  const start = now();
  let sent = 0;
  for (let elapsed = 0; elapsed < durationMs; elapsed = now() - start) {
    const due = Math.floor((elapsed * requestsPerSecond) / 1000);
    for (; sent < due; sent++) inFlight.push(send(pool, samples));
    during?.(elapsed);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
  return samples;
}

async function closedLoop(pool: Pool, durationMs: number): Promise<{ perSecond: number; failed: number }> {
  const samples: Sample[] = [];
  const start = now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (now() - start < durationMs) await send(pool, samples);
    }),
  );
  return { perSecond: samples.length / ((now() - start) / 1000), failed: samples.filter((sample) => sample.failed).length };
}

const app = await startApp();
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-bench-proxy-'));
const split = (canaryPercent: number): Upstreams => ({
  stable: { release: 'stable', port: app.stablePort },
  canary: { release: 'canary', port: app.canaryPort },
  canaryPercent,
});
const proxy = await LocalProxyClient.adoptOrStart({ folder, publicPort: 0, upstreams: split(0) });
const poolOptions = { connections: 128, keepAliveTimeout: 30_000 };
const direct = new Pool(`http://127.0.0.1:${app.stablePort}`, poolOptions);
const proxied = new Pool(`http://127.0.0.1:${proxy.publicPort}`, poolOptions);

try {
  progress('warming up');
  await fixedRate(direct, rate, 1000);
  await fixedRate(proxied, rate, 1000);

  // Direct and proxied alternate second by second, so load from elsewhere on the machine falls
  // on both alike rather than on whichever ran second.
  progress(`latency: ${rate} requests/s for ${seconds} s each, direct and through the proxy in alternate seconds`);
  const directSamples: Sample[] = [];
  const proxiedSamples: Sample[] = [];
  for (let second = 0; second < seconds; second++) {
    directSamples.push(...(await fixedRate(direct, rate, 1000)));
    proxiedSamples.push(...(await fixedRate(proxied, rate, 1000)));
  }
  const latency = (samples: Sample[]) => ({
    p50: percentile(
      samples.map((sample) => sample.latencyMs),
      0.5,
    ),
    p99: percentile(
      samples.map((sample) => sample.latencyMs),
      0.99,
    ),
  });
  const directLatency = latency(directSamples);
  const proxiedLatency = latency(proxiedSamples);

  progress(`throughput: ${concurrency} in flight for ${seconds} s each, in alternate seconds`);
  const directThroughput = { perSecond: 0, failed: 0 };
  const proxiedThroughput = { perSecond: 0, failed: 0 };
  for (let second = 0; second < seconds; second++) {
    for (const [pool, total] of [
      [direct, directThroughput],
      [proxied, proxiedThroughput],
    ] as const) {
      const slice = await closedLoop(pool, 1000);
      total.perSecond += slice.perSecond / seconds;
      total.failed += slice.failed;
    }
  }

  progress(`rollback: ${rollbacks} times, 50 % canary at ${rate} requests/s, then 100 % stable`);
  const rollbackMs: number[] = [];
  const acknowledgeMs: number[] = [];
  let rollbackFailures = 0;
  for (let round_ = 0; round_ < rollbacks; round_++) {
    await proxy.setWeights(split(50));
    let decidedAt = Number.NaN;
    let acknowledgedAt = Number.NaN;
    const samples = await fixedRate(proxied, rate, 1500, (elapsed) => {
      if (elapsed < 500 || !Number.isNaN(decidedAt)) return;
      decidedAt = now();
      void proxy.setWeights(split(0)).then(() => (acknowledgedAt = now()));
    });
    const lastCanary = Math.max(
      decidedAt,
      ...samples.filter((sample) => sample.sentAt >= decidedAt && sample.body === 'canary').map((sample) => sample.sentAt),
    );
    rollbackMs.push(Math.max(acknowledgedAt, lastCanary) - decidedAt);
    acknowledgeMs.push(acknowledgedAt - decidedAt);
    rollbackFailures += samples.filter((sample) => sample.failed).length;
  }

  const addedP50 = proxiedLatency.p50 - directLatency.p50;
  const addedP99 = proxiedLatency.p99 - directLatency.p99;
  const throughputRatio = proxiedThroughput.perSecond / directThroughput.perSecond;
  const failures =
    [...directSamples, ...proxiedSamples].filter((sample) => sample.failed).length + directThroughput.failed + proxiedThroughput.failed + rollbackFailures;
  const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
  console.log(
    table(
      ['figure', 'direct', 'proxy', 'added / ratio', 'target'],
      [
        [`p50 at ${rate}/s`, formatMs(directLatency.p50), formatMs(proxiedLatency.p50), formatMs(addedP50), ''],
        [
          `p99 at ${rate}/s`,
          formatMs(directLatency.p99),
          formatMs(proxiedLatency.p99),
          formatMs(addedP99),
          `≤ ${targets.addedP99Ms} ms added: ${verdict(addedP99 <= targets.addedP99Ms)}`,
        ],
        [
          `throughput (${concurrency} in flight)`,
          `${Math.round(directThroughput.perSecond)}/s`,
          `${Math.round(proxiedThroughput.perSecond)}/s`,
          `${Math.round(throughputRatio * 100)} %`,
          `≥ ${targets.throughputRatio * 100} %: ${verdict(throughputRatio >= targets.throughputRatio)}`,
        ],
        [
          'rollback to 100 % stable (worst)',
          '',
          formatMs(Math.max(...rollbackMs)),
          `ack ${formatMs(median(acknowledgeMs))} median`,
          `≤ ${targets.rollbackMs} ms: ${verdict(Math.max(...rollbackMs) <= targets.rollbackMs)}`,
        ],
        ['failed requests', '', String(failures), '', '0'],
      ],
    ),
  );
  console.log(
    JSON.stringify({
      bench: 'proxy',
      cpus: os.cpus().length,
      loadAverage: os.loadavg()[0],
      rate,
      seconds,
      concurrency,
      direct: { p50: round(directLatency.p50), p99: round(directLatency.p99), perSecond: Math.round(directThroughput.perSecond) },
      proxy: { p50: round(proxiedLatency.p50), p99: round(proxiedLatency.p99), perSecond: Math.round(proxiedThroughput.perSecond) },
      addedMs: { p50: round(addedP50), p99: round(addedP99) },
      throughputRatio: Math.round(throughputRatio * 100) / 100,
      rollbackMs: rollbackMs.map(round),
      acknowledgeMs: acknowledgeMs.map(round),
      failures,
    }),
  );
} finally {
  await direct.close();
  await proxied.close();
  await proxy.stop();
  app.child.kill();
  fs.rmSync(folder, { recursive: true, force: true });
}
