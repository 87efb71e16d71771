import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePostgres } from '../support/postgres-server.ts';
import { startMenderProcess, type MenderProcess } from '../support/mender-process.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { envelope, errorEvent } from '../support/sentry-events.ts';
import { callMender } from '../support/mender-http.ts';

const token = 'cross-process-admin-token-012345';
const issueCount = 8;
const burst = 12;

async function stop(process: MenderProcess): Promise<void> {
  const { child } = process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

// Two web processes behind one load balancer each take half of a burst of errors: each groups its
// half and decides on the issue. Decisions are one at a time across processes, so each new issue
// gets exactly one fix operation, never one from each process.
describePostgres('detection decisions across two web processes', (databaseUrl) => {
  const webs: MenderProcess[] = [];
  const folders: string[] = [];
  let target: TargetRepository;

  const api = (url: string, method: string, route: string, body?: unknown) => callMender(url, token, method, route, body);

  beforeAll(async () => {
    target = createTargetRepository();
    const env = (dataDir: string) => ({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl(),
      // Each web process keeps its own ingest spool in its own data folder.
      MENDER_DATA_DIR: dataDir,
      MENDER_ADMIN_TOKEN: token,
      MENDER_MAX_DETECTOR_OPERATIONS_PER_HOUR: '100',
      MENDER_MAX_DETECTOR_OPERATIONS_PER_DAY: '100',
    });
    for (let index = 0; index < 2; index += 1) {
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), `mender-decide-${index}-`));
      folders.push(folder);
      // The first migrates the database; the second finds it ready.
      webs.push(await startMenderProcess({ env: env(folder), args: ['--role', 'web'], tries: 600 }));
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(webs.map(stop));
    target?.cleanup();
    for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
  });

  it('starts one fix operation per new issue when both processes group its events', async () => {
    const [first, second] = webs as [MenderProcess, MenderProcess];
    expect((await api(first.url, 'POST', '/api/repos', { name: 'shop', path: target.path })).status).toBe(201);
    const project = (await api(first.url, 'POST', '/api/projects', { name: 'shop', repo: 'shop' })).json as { id: number; publicKey: string };
    const send = async (url: string, functionName: string) => {
      const response = await fetch(`${url}/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, {
        method: 'POST',
        body: envelope(Array.from({ length: burst }, () => errorEvent(functionName))),
      });
      expect(response.status).toBe(200);
    };
    const names = Array.from({ length: issueCount }, (_, index) => `checkout${index}`);
    await Promise.all(names.flatMap((name) => [send(first.url, name), send(second.url, name)]));

    // Both processes grouped every event they took…
    for (const web of webs) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const stats = (await api(web.url, 'GET', '/api/detection')).json as { pending: number; processed: number };
        if (stats.pending === 0 && stats.processed === issueCount * burst) break;
        if (Date.now() > deadline) throw new Error(`${web.url} did not group its events: ${JSON.stringify(stats)}\n${web.output().slice(-2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    // …and a stopping process finishes every decision it has begun before it exits.
    await Promise.all(webs.map(stop));

    const client = new pg.Client({ connectionString: databaseUrl() });
    await client.connect();
    try {
      const { rows } = await client.query<{ title: string; count: number; operations: number }>(
        `SELECT issue.title, issue.count, (SELECT count(*)::int FROM operations WHERE source = 'detector' AND error_context->>'issueId' = issue.id) AS operations FROM detect_issues AS issue ORDER BY issue.title`,
      );
      expect(rows.map((row) => row.title)).toEqual(names.map((name) => `TypeError: broken in ${name}`).sort());
      expect(rows.map((row) => Number(row.count))).toEqual(names.map(() => 2 * burst));
      expect(rows.map((row) => `${row.title}: ${row.operations}`)).toEqual(rows.map((row) => `${row.title}: 1`));
    } finally {
      await client.end();
    }
  }, 120_000);
});
