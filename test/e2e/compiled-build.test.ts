import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createTargetRepository } from '../support/target-repository.ts';
import { startMenderProcess } from '../support/mender-process.ts';

const projectRoot = path.resolve(import.meta.dirname, '../..');
const token = 'compiled-build-admin-token-7';

/** The compiled server (what `npm start` runs) starts from its own files and does real work: migrations, detection, its JSON rules. */
describe('the compiled server (npm run build:server)', () => {
  // Directly under the project, as dist/ is: the compiled code finds web/dist and skills/ at ../../.
  const outDir = path.join(projectRoot, `.test-dist-${process.pid}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-compiled-'));
  const target = createTargetRepository();
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
    target.cleanup();
  });

  it('refuses an output folder that is not directly under the project', async () => {
    const build = promisify(execFile)(process.execPath, ['bin/run-ts.mjs', 'scripts/build-server.ts', '--out-dir', 'a/b'], { cwd: projectRoot });
    await expect(build).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--out-dir must name a folder directly under') });
    expect(fs.existsSync(path.join(projectRoot, 'a', 'b'))).toBe(false);
  });

  it('compiles src/, copies the files the code reads beside itself, and runs as `mender start`', async () => {
    await promisify(execFile)(process.execPath, ['bin/run-ts.mjs', 'scripts/build-server.ts', '--out-dir', path.basename(outDir)], { cwd: projectRoot });
    expect(fs.existsSync(path.join(outDir, 'cli', 'main.js'))).toBe(true);
    expect(fs.readdirSync(path.join(outDir, 'store', 'migrations')).filter((name) => name.endsWith('.sql')).length).toBeGreaterThan(0);
    expect(JSON.parse(fs.readFileSync(path.join(outDir, '.build-stamp.json'), 'utf8'))).toMatchObject({ newestSource: expect.any(Number) });
    // No test code is compiled into what users run.
    expect(fs.existsSync(path.join(outDir, 'detect', 'grouping.test.js'))).toBe(false);

    const started = await startMenderProcess({
      command: [process.execPath, path.join(outDir, 'cli', 'main.js')],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, MENDER_DATA_DIR: dataDir, MENDER_ADMIN_TOKEN: token, MENDER_SANDBOX: 'off' },
    });
    child = started.child;
    const url = started.url;
    const call = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${url}${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, json: (await response.json()) as any };
    };
    expect((await call('GET', '/health')).status).toBe(200);

    // Detection end to end: the migrations made its tables and the severity rules loaded from their JSON file.
    expect((await call('POST', '/api/repos', { name: 'shop', path: target.path })).status).toBe(201);
    const created = await call('POST', '/api/projects', { name: 'compiled', repo: 'shop' });
    expect(created.status).toBe(201);
    const project = created.json;
    const event = JSON.stringify({ event_id: 'c'.repeat(32), level: 'warning', message: 'compiled build smoke event' });
    const sent = await fetch(`${url}/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, {
      method: 'POST',
      body: `{}\n${JSON.stringify({ type: 'event', length: Buffer.byteLength(event) })}\n${event}\n`,
    });
    expect(sent.status).toBe(200);
    let issues: { title: string; severity: string }[] = [];
    for (let tries = 0; tries < 100 && issues.length === 0; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      issues = (await call('GET', '/api/issues')).json.issues;
    }
    expect(issues).toEqual([expect.objectContaining({ title: 'compiled build smoke event', severity: expect.stringMatching(/^P[0-4]$/) })]);
  });
});
