import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createShopApp, startTraffic, type ShopApp, type TrafficGenerator } from '../support/shop-app.ts';
import { freePort, startMenderProcess } from '../support/mender-process.ts';
import { eventually } from '../support/eventually.ts';
import { stopLocalEnvironment } from '../support/ship-support.ts';

// Mender killed with SIGKILL in the middle of a canary: the proxy and both releases are processes
// of their own, so the app keeps serving; the restarted Mender re-adopts them and the deployment
// goes on from its records to an end — never left half-promoted.

const token = 'ship-restart-admin-token-42';

describe('a restart of Mender mid-canary', () => {
  let app: ShopApp;
  let child: ChildProcess | undefined;
  let traffic: TrafficGenerator | undefined;
  let stagingPort = 0;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-ship-restart-'));
  let log = '';

  afterAll(async () => {
    await traffic?.stop();
    if (child?.exitCode === null) child.kill('SIGKILL');
    if (stagingPort) await stopLocalEnvironment({ dataDir: dataDir, repo: 'shop', repoPath: app.path, environment: 'staging', publicPort: stagingPort });
    app?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function startProcess(port: number): Promise<string> {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, MENDER_DATA_DIR: dataDir, MENDER_ADMIN_TOKEN: token, MENDER_AUTONOMY_LEVEL: '3' };
    const started = await startMenderProcess({ env, port, tries: 300, onOutput: (chunk) => (log += chunk) });
    child = started.child;
    return started.url;
  }

  const api = async (url: string, method: string, route: string, body?: unknown) => {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as any };
  };

  it('keeps serving while Mender is down, and the restarted Mender takes the canary to its end', async () => {
    app = createShopApp();
    const stable = app.release({ delayMs: 5 }, 'the shop as it runs');
    const menderPort = await freePort();
    stagingPort = await freePort();
    let url = await startProcess(menderPort);
    expect((await api(url, 'POST', '/api/repos', { name: 'shop', path: app.path })).status).toBe(201);
    const patched = await api(url, 'PATCH', '/api/repos/shop', {
      deploy: {
        environments: [{ name: 'staging', publicPort: stagingPort, watchMinutes: 0.25, trafficSteps: [20, 50, 100] }],
        startCommand: 'node server.js',
        intervalSeconds: 1,
        judge: { minNewRequests: 50 },
      },
    });
    expect(patched.status).toBe(200);
    const first = await api(url, 'POST', '/api/deployments', { repo: 'shop', environment: 'staging', commit: stable });
    expect(first.status).toBe(201);
    const status = async (id: string) => (await api(url, 'GET', `/api/deployments/${id}`)).json;
    await eventually(
      () => status(first.json.id),
      (view) => view.status === 'promoted',
      'the stable release',
      60_000,
    );
    traffic = startTraffic(`http://127.0.0.1:${stagingPort}`, 60);

    const next = app.release({ delayMs: 6 }, 'items: copy change');
    const canary = await api(url, 'POST', '/api/deployments', { repo: 'shop', environment: 'staging', commit: next });
    expect(canary.status).toBe(201);
    await eventually(
      () => status(canary.json.id),
      (view) => view.status === 'canary' && view.intervals.length >= 2,
      'the canary judged twice',
      30_000,
    );

    child!.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    traffic.take();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const whileDown = traffic.take();
    // Both releases answer through the proxy while Mender is gone, as they did before.
    expect(whileDown.connectionErrors).toBe(0);
    expect(whileDown.byStatus[200]).toBeGreaterThan(10);
    expect(Object.keys(whileDown.byRelease).sort()).toEqual([next, stable].sort());

    url = await startProcess(menderPort);
    const ended = await eventually(
      () => status(canary.json.id),
      (view) => !['canary', 'starting', 'smoke'].includes(view.status),
      'the canary ends',
      60_000,
    );
    expect(ended.status).toBe('promoted');
    // Promoted means promoted at the proxy too: every request now reaches the new release.
    traffic.take();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = traffic.take();
    expect(Object.keys(after.byRelease)).toEqual([next]);
    expect(after.connectionErrors).toBe(0);
    expect(log).not.toMatch(/"level":"error"/);
  });
});
