import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePostgres } from '../support/postgres-server.ts';
import { startMenderProcess, type MenderProcess } from '../support/mender-process.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { envelope, errorEvent } from '../support/sentry-events.ts';
import { callMender } from '../support/mender-http.ts';
import { eventually } from '../support/eventually.ts';

const token = 'shared-folder-admin-token-012345';
const healthIntervalSeconds = 0.25;

// Web replicas on one volume (a ReadWriteMany claim, a shared MENDER_DATA_DIR): each appends
// accepted events to an ingest spool of its own, a process that is gone leaves its spool to one
// that is not, and the health checks run in one process only.
describePostgres('two web processes on one data folder', (databaseUrl) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-shared-'));
  const webs: MenderProcess[] = [];
  let target: TargetRepository;
  let project: { id: number; publicKey: string };
  let healthServer: http.Server;
  let probes = 0;

  const api = (url: string, method: string, route: string, body?: unknown) => callMender(url, token, method, route, body);
  const spoolOf = (web: MenderProcess) => /accepted events go to the ingest spool (\S+?)["\s]/.exec(web.output())?.[1];
  const send = async (web: MenderProcess, functionName: string, events: number) => {
    const response = await fetch(`${web.url}/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, {
      method: 'POST',
      body: envelope(Array.from({ length: events }, () => errorEvent(functionName))),
    });
    expect(response.status).toBe(200);
  };
  const issueCounts = async (url: string) => {
    const { issues } = (await api(url, 'GET', '/api/issues?limit=100')).json as { issues: { title: string; count: number }[] };
    const counted = issues.filter((issue) => issue.title.startsWith('TypeError')).map((issue) => [issue.title, issue.count] as const);
    return Object.fromEntries(counted.sort(([a], [b]) => a.localeCompare(b)));
  };

  beforeAll(async () => {
    target = createTargetRepository();
    healthServer = http.createServer((_request, response) => {
      probes += 1;
      response.writeHead(500).end('down');
    });
    await new Promise<void>((resolve) => healthServer.listen(0, '127.0.0.1', resolve));
    const healthUrl = `http://127.0.0.1:${(healthServer.address() as AddressInfo).port}/health`;
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl(),
      MENDER_DATA_DIR: dataDir,
      MENDER_ADMIN_TOKEN: token,
      MENDER_DETECT_HEALTH_CHECKS: JSON.stringify([{ url: healthUrl, project: 'shop', intervalSeconds: healthIntervalSeconds, timeoutMs: 1000 }]),
    };
    // The first migrates the database and makes the first spool; the second finds both taken.
    for (let index = 0; index < 2; index += 1) webs.push(await startMenderProcess({ env, args: ['--role', 'web'], tries: 600 }));
    expect((await api(webs[0]!.url, 'POST', '/api/repos', { name: 'shop', path: target.path })).status).toBe(201);
    project = (await api(webs[0]!.url, 'POST', '/api/projects', { name: 'shop', repo: 'shop' })).json;
  }, 120_000);

  afterAll(async () => {
    for (const web of webs) {
      if (web.child.exitCode !== null || web.child.signalCode !== null) continue;
      const exited = new Promise((resolve) => web.child.once('exit', resolve));
      web.child.kill('SIGTERM');
      await exited;
    }
    healthServer?.close();
    target?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives each process a spool of its own, and groups every event either accepted', async () => {
    const [first, second] = webs as [MenderProcess, MenderProcess];
    const names = Array.from({ length: 6 }, (_, index) => `shared${index}`);
    await Promise.all(names.flatMap((name) => [send(first, name, 10), send(second, name, 10)]));
    const expected = Object.fromEntries(names.map((name) => [`TypeError: broken in ${name}`, 20]));
    await eventually(
      () => issueCounts(first.url),
      (counts) => JSON.stringify(counts) === JSON.stringify(expected),
      'every event grouped once',
      60_000,
    );
    expect(await issueCounts(first.url)).toEqual(expected);
    expect(spoolOf(first)).toBe(path.join(dataDir, 'ingest-spool'));
    expect(path.dirname(spoolOf(second)!)).toBe(path.join(dataDir, 'ingest-spools'));
    const ids = [spoolOf(first), spoolOf(second)].map((folder) => fs.readFileSync(path.join(folder!, 'spool-id'), 'utf8'));
    expect(new Set(ids).size).toBe(2);
  }, 120_000);

  it('runs the health checks in one process only', async () => {
    const before = probes;
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const perInterval = (probes - before) / ((Date.now() - started) / 1000 / healthIntervalSeconds);
    // One process probes about once an interval (timers only run late); two would be twice that.
    expect(perInterval).toBeGreaterThan(0.3);
    expect(perInterval).toBeLessThan(1.5);
  }, 30_000);

  it('hands the spool of a killed process, with what it accepted, to the other one, which groups it and removes it', async () => {
    const [first, second] = webs as [MenderProcess, MenderProcess];
    const folder = spoolOf(second)!;
    // Accepted (answered 200), then killed before or while its digest runs.
    await Promise.all(Array.from({ length: 8 }, (_, index) => send(second, `killed${index % 2}`, 25)));
    second.child.kill('SIGKILL');
    await new Promise((resolve) => second.child.once('exit', resolve));
    const expected = { 'TypeError: broken in killed0': 100, 'TypeError: broken in killed1': 100 };
    await eventually(
      async () => Object.fromEntries(Object.entries(await issueCounts(first.url)).filter(([title]) => title.includes('killed'))) as Record<string, number>,
      (counts) => JSON.stringify(counts) === JSON.stringify(expected),
      'the killed process’s events grouped once',
      60_000,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${JSON.stringify((await api(first.url, 'GET', '/api/detection')).json)}\n${first.output().slice(-1500)}`);
    });
    await eventually(
      async () => fs.existsSync(folder),
      (exists) => !exists,
      'the spool of the killed process removed',
      60_000,
    );
    expect(first.output()).toMatch(/took over the ingest spool of a process that is gone/);
    // The health checks moved to the survivor.
    const before = probes;
    await eventually(
      async () => probes - before,
      (count) => count >= 3,
      'health checks from the survivor',
      30_000,
    );
  }, 120_000);
});
