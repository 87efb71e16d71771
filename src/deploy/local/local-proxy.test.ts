// The proxy as a real process on loopback, driven through LocalProxyClient as Mender drives it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client, Pool } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { histogramCount } from '../latency-histogram.ts';
import { LocalProxyClient, ProxyControlError } from './local-proxy-client.ts';
import type { Upstreams } from './proxy-protocol.ts';
import { subtractMetrics } from './release-metrics.ts';
import { closedPort, startNamedUpstream, type NamedUpstream } from './testing/named-upstream.ts';

const projectRoot = path.resolve(import.meta.dirname, '../../..');
let stable: NamedUpstream;
let canary: NamedUpstream;
const started: LocalProxyClient[] = [];
const pools: Pool[] = [];

beforeAll(async () => {
  stable = await startNamedUpstream('stable');
  canary = await startNamedUpstream('canary');
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  await Promise.all(started.splice(0).map((client) => client.stop().catch(() => undefined)));
});
afterAll(async () => {
  await stable.close();
  await canary.close();
  for (const proxyFolder of folders) fs.rmSync(proxyFolder, { recursive: true, force: true });
});

const folders: string[] = [];
const folder = () => {
  folders.push(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-proxy-')));
  return folders.at(-1)!;
};
const split = (canaryPercent: number): Upstreams => ({
  stable: { release: 'stable-commit', port: stable.port },
  canary: { release: 'canary-commit', port: canary.port },
  canaryPercent,
});

async function startProxy(upstreams: Upstreams): Promise<{ client: LocalProxyClient; pool: Pool }> {
  const client = await LocalProxyClient.adoptOrStart({ folder: folder(), publicPort: 0, upstreams });
  started.push(client);
  const pool = new Pool(`http://127.0.0.1:${client.publicPort}`, { connections: 16 });
  pools.push(pool);
  return { client, pool };
}

async function get(pool: Pool, requestPath = '/'): Promise<{ status: number; body: string }> {
  const answer = await pool.request({ path: requestPath, method: 'GET' });
  return { status: answer.statusCode, body: await answer.body.text() };
}

/** Requests with `concurrency` in flight until `stop` is called; records who answered and when each was sent. */
function trafficLoop(pool: Pool, concurrency = 8) {
  const results: { sentAt: number; status: number; body: string; error?: string }[] = [];
  let running = true;
  const workers = Array.from({ length: concurrency }, async () => {
    while (running) {
      const sentAt = performance.now();
      try {
        results.push({ sentAt, ...(await get(pool)) });
      } catch (error) {
        results.push({ sentAt, status: 0, body: '', error: String(error) });
      }
    }
  });
  return {
    results,
    count: () => results.length,
    stop: async () => {
      running = false;
      await Promise.all(workers);
      return results;
    },
  };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('local proxy', () => {
  it('sends exactly the canary share of requests to the canary at 0, 10, 50 and 100 %', async () => {
    const { client, pool } = await startProxy(split(0));
    for (const percent of [0, 10, 50, 100]) {
      await client.setWeights(split(percent));
      const bodies = await Promise.all(Array.from({ length: 200 }, () => get(pool).then((answer) => answer.body)));
      expect(bodies.filter((body) => body === 'canary').length, `at ${percent} %`).toBe(percent * 2);
      expect(bodies.filter((body) => body === 'stable').length).toBe(200 - percent * 2);
    }
  });

  it('streams bodies, drops hop-by-hop headers and adds X-Forwarded-For and -Proto', async () => {
    const { client } = await startProxy({ stable: { release: 'stable-commit', port: stable.port }, canaryPercent: 0 });
    // node:http as the client: undici refuses to send a Connection header that names other headers.
    const answer = await new Promise<{ headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
      const outgoing = http.request(
        {
          port: client.publicPort,
          host: '127.0.0.1',
          path: '/echo',
          method: 'POST',
          headers: { connection: 'keep-alive, x-secret-hop', 'x-secret-hop': 'no', 'x-kept': 'yes' },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ headers: response.headers, text }));
        },
      );
      outgoing.on('error', reject);
      // Written in pieces without a length: a chunked body, streamed through the proxy.
      for (let piece = 0; piece < 10; piece++) outgoing.write('x'.repeat(10_000));
      outgoing.end();
    });
    const echoed = JSON.parse(answer.text) as { body: string; headers: Record<string, string> };
    expect(echoed.body.length).toBe(100_000);
    expect(echoed.headers['x-kept']).toBe('yes');
    expect(echoed.headers['x-secret-hop']).toBeUndefined();
    expect(echoed.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(echoed.headers['x-forwarded-proto']).toBe('http');
    expect(answer.headers['x-served-by']).toBe('stable');
  });

  it('counts requests, status classes, connection errors and latency per release', async () => {
    const deadPort = await closedPort();
    const { client, pool } = await startProxy({
      stable: { release: 'stable-commit', port: stable.port },
      canary: { release: 'dead-commit', port: deadPort },
      canaryPercent: 50,
    });
    const before = await client.metrics();
    const answers = await Promise.all([...Array.from({ length: 10 }, () => get(pool)), ...Array.from({ length: 10 }, () => get(pool, '/status/500'))]);
    expect(answers.filter((answer) => answer.status === 502)).toHaveLength(10);
    const after = await client.metrics();
    const interval = subtractMetrics(after, before);
    const stableCounts = interval['stable-commit']!;
    const deadCounts = interval['dead-commit']!;
    expect(stableCounts.requests).toBe(10);
    expect(stableCounts.statuses['2xx'] + stableCounts.statuses['5xx']).toBe(10);
    expect(stableCounts.statuses['5xx']).toBeGreaterThan(0);
    expect(stableCounts.connectionErrors).toBe(0);
    expect(histogramCount(stableCounts.latency)).toBe(10);
    expect(deadCounts).toMatchObject({ requests: 10, connectionErrors: 10, statuses: { '5xx': 10, '2xx': 0 } });
  });

  it('charges an answer broken off mid-body to the release, and a client that leaves early to nobody', async () => {
    const { client, pool } = await startProxy({ stable: { release: 'stable-commit', port: stable.port }, canaryPercent: 0 });
    const before = await client.metrics();
    const broken = await pool.request({ path: '/break', method: 'GET' });
    await expect(broken.body.text()).rejects.toThrow();
    const leaving = new AbortController();
    const slow = await pool.request({ path: '/slow', method: 'GET', signal: leaving.signal });
    expect(slow.statusCode).toBe(200);
    leaving.abort();
    let interval = subtractMetrics(await client.metrics(), before);
    await until(async () => (interval = subtractMetrics(await client.metrics(), before))['stable-commit']?.requests === 2);
    expect(interval['stable-commit']).toMatchObject({ requests: 2, connectionErrors: 1 });
  });

  it('puts the very next request on stable after a rollback, with no request failing during the switch', async () => {
    const { client, pool } = await startProxy(split(50));
    const loop = trafficLoop(pool);
    await until(() => loop.count() > 200);
    const acknowledgedAt = await client.setWeights(split(0)).then(() => performance.now());
    const countAtSwitch = loop.count();
    await until(() => loop.count() > countAtSwitch + 200);
    const results = await loop.stop();
    expect(results.filter((result) => result.status !== 200)).toEqual([]);
    expect(results.filter((result) => result.sentAt < acknowledgedAt).some((result) => result.body === 'canary')).toBe(true);
    expect(results.filter((result) => result.sentAt > acknowledgedAt && result.body === 'canary')).toEqual([]);
  });

  it('outlives the process that started it: a new client adopts it and traffic never fails', async () => {
    const proxyFolder = folder();
    const parent = spawn(
      process.execPath,
      [path.join(projectRoot, 'bin/run-ts.mjs'), 'src/deploy/local/testing/adopt-proxy-process.ts', proxyFolder, JSON.stringify(split(0))],
      {
        cwd: projectRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const line = await new Promise<string>((resolve, reject) => {
      let output = '';
      parent.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('\n')) resolve(output.split('\n')[0]!);
      });
      parent.once('exit', (code) => reject(new Error(`the parent exited with ${code} before starting the proxy`)));
    });
    const first = JSON.parse(line) as { pid: number; publicPort: number; adopted: boolean };
    expect(first.adopted).toBe(false);
    const pool = new Pool(`http://127.0.0.1:${first.publicPort}`, { connections: 8 });
    pools.push(pool);
    const loop = trafficLoop(pool, 4);
    await until(() => loop.count() > 100);

    const exited = new Promise((resolve) => parent.once('exit', resolve));
    parent.kill('SIGKILL');
    await exited;
    const countAtKill = loop.count();
    await until(() => loop.count() > countAtKill + 100);

    const adopted = await LocalProxyClient.adoptOrStart({ folder: proxyFolder, publicPort: 0, upstreams: split(100) });
    started.push(adopted);
    expect(adopted).toMatchObject({ adopted: true, pid: first.pid, publicPort: first.publicPort });
    // Adoption keeps the running weights rather than applying the ones given for a fresh start.
    expect((await adopted.health()).upstreams).toEqual(split(0));
    await adopted.setWeights(split(100));
    const countAtAdoption = loop.count();
    await until(() => loop.count() > countAtAdoption + 100);
    const results = await loop.stop();
    expect(results.filter((result) => result.status !== 200)).toEqual([]);
    expect(results.at(-1)!.body).toBe('canary');
  });

  it('starts a new proxy with the last weights when the old one died', async () => {
    const { client } = await startProxy(split(10));
    const proxyFolder = path.dirname(client.socketPath);
    process.kill(client.pid, 'SIGKILL');
    await until(() => {
      try {
        process.kill(client.pid, 0);
        return false;
      } catch {
        return true;
      }
    });
    const restarted = await LocalProxyClient.adoptOrStart({ folder: proxyFolder, publicPort: 0 });
    started.push(restarted);
    expect(restarted.adopted).toBe(false);
    expect(restarted.pid).not.toBe(client.pid);
    expect((await restarted.health()).upstreams).toEqual(split(10));
  });

  it('refuses a bad control message with a clear error and changes nothing', async () => {
    const { client, pool } = await startProxy(split(0));
    await expect(client.setWeights({ ...split(0), canaryPercent: 150 })).rejects.toThrow(/canaryPercent/);
    await expect(client.setWeights({ stable: { release: 'stable-commit', port: stable.port }, canaryPercent: 10 })).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/canaryPercent must be 0 when no canary is given/),
    });
    const raw = new Client('http://proxy', { socketPath: client.socketPath });
    const answer = await raw.request({ method: 'PUT', path: '/upstreams', body: '{not json' });
    expect(answer.statusCode).toBe(400);
    expect(((await answer.body.json()) as { error: { message: string } }).error.message).toMatch(/not JSON/);
    await raw.close();
    expect((await client.health()).upstreams).toEqual(split(0));
    expect((await get(pool)).body).toBe('stable');
  });

  it('keeps its control socket and state to its owner', async () => {
    const { client } = await startProxy(split(0));
    const mode = (file: string) => fs.statSync(file).mode & 0o777;
    expect(mode(client.socketPath)).toBe(0o600);
    expect(mode(path.dirname(client.socketPath))).toBe(0o700);
    expect(mode(path.join(path.dirname(client.socketPath), 'state.json'))).toBe(0o600);
  });

  it('says why when the port is taken, instead of a second proxy', async () => {
    const { client } = await startProxy(split(0));
    const attempt = LocalProxyClient.adoptOrStart({ folder: folder(), publicPort: client.publicPort, startTimeoutMs: 10_000 });
    await expect(attempt).rejects.toBeInstanceOf(ProxyControlError);
    await expect(attempt).rejects.toThrow(/cannot listen/);
  });
});
