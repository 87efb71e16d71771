import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createShopApp, startTraffic, type ShopApp, type TrafficGenerator } from '../support/shop-app.ts';
import { freePort } from '../support/mender-process.ts';
import { eventually } from '../support/eventually.ts';
import { RepoStore } from '../../src/store/repo-store.ts';
import { parseDeploySettings } from '../../src/deploy/deploy-settings.ts';
import { stopLocalEnvironment } from '../support/ship-support.ts';

// Ship and watch on one machine, with real processes: a small app reporting to Mender's ingest
// with @sentry/node, Mender's proxy in front of it on the staging port, and steady traffic from
// the test through that port while releases are deployed, judged, promoted and rolled back.

const actor = { id: 'admin', name: 'admin', role: 'admin' as const };

describe('ship and watch: a staging canary judged against the running release', () => {
  let mender: MenderUnderTest;
  let app: ShopApp;
  let stagingPort: number;
  let traffic: TrafficGenerator | undefined;
  const releases: Record<string, string> = {};

  const deployment = (id: string) => mender.deploys.store.get(id);
  const settled = (id: string) =>
    eventually(
      () => deployment(id),
      (row) => !['starting', 'smoke', 'canary'].includes(row.status),
      `deployment ${id} to settle`,
      60_000,
    );
  const deploy = (commit: string) => mender.deploys.runner.request({ repo: 'shop', environment: 'staging', commit, actor: 'admin' });

  beforeAll(async () => {
    app = createShopApp();
    releases.stable = app.release({ delayMs: 10 }, 'the shop as it runs');
    mender = await startMenderUnderTest({ MENDER_AUTONOMY_LEVEL: '2' });
    expect((await mender.call('POST', '/api/repos', { name: 'shop', path: app.path })).status).toBe(201);
    const project = await fetch(`${mender.url}/api/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${mender.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'shop', repo: 'shop' }),
    });
    const { dsn } = (await project.json()) as { dsn: string };
    stagingPort = await freePort();
    const repos = new RepoStore(mender.store.db);
    const repo = (await repos.byName('shop'))!;
    await repos.update(repo.id, {
      deploy: parseDeploySettings({
        environments: [{ name: 'staging', publicPort: stagingPort, watchMinutes: 0.2, trafficSteps: [10, 50, 100] }],
        startCommand: 'node server.js',
        intervalSeconds: 1,
        startTimeoutSeconds: 20,
        onMerge: false,
        env: { SENTRY_DSN: dsn },
        judge: { minNewRequests: 100, latency: { minSamples: 10 } },
      }) as never,
    });
    // The environment's first release: nothing to compare with, so it is watched for hard signals and promoted.
    const first = await deploy(releases.stable);
    expect((await settled(first.id)).status).toBe('promoted');
  }, 120_000);

  afterAll(async () => {
    await traffic?.stop();
    // The proxy and the releases outlive Mender by design: take the environment down explicitly.
    await stopLocalEnvironment({ dataDir: mender.dataDir, repo: 'shop', repoPath: app.path, environment: 'staging', publicPort: stagingPort });
    await mender?.close();
    app?.cleanup();
  });

  it('rolls back a release that fails 30 % of one route, with no request failed by the switch, and opens nothing without an operation', async () => {
    traffic = startTraffic(`http://127.0.0.1:${stagingPort}`, 100);
    releases.failing = app.release({ delayMs: 10, cartFailurePercent: 30 }, 'cart: a fix whose tests pass');
    const started = await deploy(releases.failing);
    const ended = await settled(started.id);
    expect(ended.status).toBe('rolled_back');
    const verdict = ended.verdict as { rule: string; samples: { newRequests: number; newErrors: number }; reason: string };
    expect(['error_rate', 'new_error_fingerprint']).toContain(verdict.rule);
    expect(verdict.samples.newRequests).toBeGreaterThan(0);
    expect(ended.reason).toBe(verdict.reason);
    // Traffic is back on the stable release: every request answers, none with a 5xx.
    traffic.take();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = traffic.take();
    expect(after.connectionErrors).toBe(0);
    expect(after.byStatus[500] ?? 0).toBe(0);
    expect(after.byStatus[200]).toBeGreaterThan(10);
    const timeline = (await mender.deploys.store.timeline(started.id)).map((event) => event.type);
    expect(timeline).toEqual(
      expect.arrayContaining(['deployment.requested', 'deployment.started', 'deployment.canary_started', 'deployment.judged', 'deployment.rolled_back']),
    );
  });

  it('rolls back a release three times slower once two intervals in a row say so', async () => {
    traffic!.take();
    releases.slow = app.release({ delayMs: 30 }, 'items: a slower query');
    const started = await deploy(releases.slow);
    const ended = await settled(started.id);
    expect(ended.status).toBe('rolled_back');
    expect((ended.verdict as { rule: string }).rule).toBe('latency');
    const tally = traffic!.take();
    expect(tally.connectionErrors).toBe(0);
    expect(tally.byStatus[500] ?? 0).toBe(0);
  });

  it('with no traffic at all the verdict is inconclusive: nothing is promoted, a person decides', async () => {
    await traffic!.stop();
    traffic = undefined;
    releases.quiet = app.release({ delayMs: 10 }, 'items: copy change');
    const started = await deploy(releases.quiet);
    const ended = await settled(started.id);
    expect(ended.status).toBe('inconclusive');
    expect((ended.verdict as { rule: string }).rule).toBe('too_little_data');
    // While a person decides, the new release is back at the first step's share.
    expect(ended.trafficPercent).toBe(10);
    // The stable release still serves the environment.
    const current = await mender.deploys.store.lastPromoted(ended.repoId, 'staging');
    expect(current?.commit).toBe(releases.stable);
    // A second deploy while one holds the environment is refused, naming it.
    await expect(deploy(releases.failing!)).rejects.toThrow(/already inconclusive/);
    await mender.deploys.runner.rollback(started.id, actor, 'not worth the wait');
    expect((await deployment(started.id)).status).toBe('rolled_back');
  });

  it('a release that exits at start fails in its start phase with its output, and the stable release keeps serving', async () => {
    traffic = startTraffic(`http://127.0.0.1:${stagingPort}`, 50);
    releases.broken = app.release({ delayMs: 10, exitAtStart: true }, 'config: a new required setting');
    const started = await deploy(releases.broken);
    const ended = await settled(started.id);
    expect(ended.status).toBe('failed');
    expect(ended.reason).toMatch(/did not start/);
    expect(ended.outputTail).toContain('behaviour.exitAtStart is set');
    const tally = traffic.take();
    expect(tally.connectionErrors).toBe(0);
    expect(tally.byStatus[500] ?? 0).toBe(0);
  });

  it('refuses a deploy of an unknown environment or commit, naming it, and writes nothing', async () => {
    const before = (await mender.deploys.store.list({})).length;
    await expect(mender.deploys.runner.request({ repo: 'shop', environment: 'qa', actor: 'admin' })).rejects.toThrow(/no environment "qa".*staging/);
    await expect(mender.deploys.runner.request({ repo: 'shop', environment: 'staging', commit: 'f00dfeed', actor: 'admin' })).rejects.toThrow(
      /commit "f00dfeed" is not in the repository/,
    );
    await expect(mender.deploys.runner.request({ repo: 'nope', environment: 'staging', actor: 'admin' })).rejects.toThrow(
      /repository "nope" is not registered/,
    );
    expect((await mender.deploys.store.list({})).length).toBe(before);
  });
});
