import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyHistogram, recordLatency } from '../../src/deploy/latency-histogram.ts';
import { deploymentIntervals } from '../../src/store/schema.ts';
import { commandTargetDeploySettings } from '../support/deploy-settings-fixture.ts';
import { eventually } from '../support/eventually.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { createUserAndSignIn, type BrowserSession } from './support/browser-session.ts';

describe('deployments over HTTP: list, show, ask, decide; repository deploy settings', () => {
  let folder: string;
  let shop: TargetRepository;
  let cart: TargetRepository;
  let mender: MenderUnderTest;
  let admin: BrowserSession;
  let lead: BrowserSession;
  let viewer: BrowserSession;

  const waitForDeployment = (id: string, status: string) =>
    eventually(
      async () => (await mender.call('GET', `/api/deployments/${id}`)).json,
      (detail) => detail.status === status,
      `deployment ${id} to be ${status}`,
    );

  beforeAll(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-deployments-'));
    shop = createTargetRepository();
    cart = createTargetRepository();
    // `shop` gets its deploy settings from the config file, `cart` is registered bare through the API.
    fs.writeFileSync(path.join(folder, 'mender.json'), JSON.stringify({ repos: [{ name: 'shop', path: shop.path, deploy: commandTargetDeploySettings() }] }));
    mender = await startMenderUnderTest({ MENDER_CONFIG: path.join(folder, 'mender.json') });
    expect((await mender.call('POST', '/api/repos', { name: 'cart', path: cart.path })).status).toBe(201);
    admin = await createUserAndSignIn(mender, 'ada', 'admin');
    lead = await createUserAndSignIn(mender, 'lee', 'team-lead');
    viewer = await createUserAndSignIn(mender, 'val', 'viewer');
  }, 120_000);
  afterAll(async () => {
    await mender?.close();
    shop?.cleanup();
    cart?.cleanup();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('shows the config file deploy block parsed with its defaults, and refuses a bad one at start naming the field', async () => {
    const repos = (await mender.call('GET', '/api/repos')).json.repos as Array<{ name: string; deploy: any }>;
    const deploy = repos.find((repo) => repo.name === 'shop')!.deploy;
    expect(deploy).toMatchObject({ startCommand: 'npm start', healthPath: '/health', intervalSeconds: 3600, onMerge: false });
    expect(deploy.environments.map((environment: { name: string; trafficSteps: number[] }) => [environment.name, environment.trafficSteps])).toEqual([
      ['staging', [10, 50, 100]],
      ['production', [10, 50, 100]],
    ]);
    expect(repos.find((repo) => repo.name === 'cart')!.deploy).toBeNull();

    const badFile = path.join(folder, 'bad.json');
    fs.writeFileSync(badFile, JSON.stringify({ repos: [{ name: 'shop', path: shop.path, deploy: { intervalSeconds: -1, healthPath: 'health' } }] }));
    await expect(startMenderUnderTest({ MENDER_CONFIG: badFile })).rejects.toThrow(
      /repository shop: the deploy settings are not valid: .*healthPath: a health path starts with \/.*intervalSeconds/,
    );
  }, 60_000);

  it('PATCH /api/repos/:name sets deploy settings with defaults, refuses bad ones naming each field and changing nothing, and null removes them', async () => {
    const bad = await admin.call('PATCH', '/api/repos/cart', { deploy: { environments: [{ name: 'Staging', watchMinutes: 0 }], startCommand: '' } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json.error.fields).sort()).toEqual(['deploy.environments.0.name', 'deploy.environments.0.watchMinutes', 'deploy.startCommand']);
    expect(bad.json.error.message).toContain('deploy.environments.0.watchMinutes');
    const notAnObject = await admin.call('PATCH', '/api/repos/cart', { deploy: 'yes' });
    expect(notAnObject.status).toBe(400);
    expect(Object.keys(notAnObject.json.error.fields)).toEqual(['deploy']);
    expect((await admin.call('PATCH', '/api/repos/cart', { deplo: {} })).status).toBe(400);
    expect((await mender.call('GET', '/api/repos')).json.repos.find((repo: { name: string }) => repo.name === 'cart').deploy).toBeNull();

    const unknown = await admin.call('PATCH', '/api/repos/nope', { deploy: null });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toContain('"nope"');
    expect((await lead.call('PATCH', '/api/repos/cart', { deploy: null })).status).toBe(403);

    const set = await admin.call('PATCH', '/api/repos/cart', { deploy: { startCommand: 'node server.js', smokeCommand: 'true' } });
    expect(set.status, set.text).toBe(200);
    expect(set.json.deploy).toMatchObject({ startCommand: 'node server.js', smokeCommand: 'true', healthPath: '/health', intervalSeconds: 30, onMerge: true });
    expect(set.json.deploy.environments.map((environment: { name: string; watchMinutes: number }) => [environment.name, environment.watchMinutes])).toEqual([
      ['staging', 10],
      ['production', 30],
    ]);
    const removed = await admin.call('PATCH', '/api/repos/cart', { deploy: null });
    expect(removed.status).toBe(200);
    expect(removed.json.deploy).toBeNull();
  });

  it('refuses a deploy of an unknown repository, environment or commit naming it, and a repository without settings', async () => {
    const unknownRepo = await lead.call('POST', '/api/deployments', { repo: 'nope', environment: 'staging' });
    expect(unknownRepo.status).toBe(404);
    expect(unknownRepo.json.error.message).toContain('"nope"');
    const unknownEnvironment = await lead.call('POST', '/api/deployments', { repo: 'shop', environment: 'qa' });
    expect(unknownEnvironment.status).toBe(400);
    expect(unknownEnvironment.json.error.fields.environment[0]).toContain('"qa"');
    const unknownCommit = await lead.call('POST', '/api/deployments', { repo: 'shop', environment: 'staging', commit: 'deadbeef' });
    expect(unknownCommit.status).toBe(400);
    expect(unknownCommit.json.error.fields.commit[0]).toContain('deadbeef');
    const noSettings = await lead.call('POST', '/api/deployments', { repo: 'cart', environment: 'staging' });
    expect(noSettings.status).toBe(400);
    expect(noSettings.json.error.fields.repo[0]).toContain('no deploy settings');
    const missing = await lead.call('POST', '/api/deployments', { repo: 'shop' });
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.json.error.fields)).toEqual(['environment']);
    expect((await viewer.call('POST', '/api/deployments', { repo: 'shop', environment: 'staging' })).status).toBe(403);
    expect((await mender.call('GET', '/api/deployments?repo=shop')).json.deployments).toEqual([]);

    const badStatus = await mender.call('GET', '/api/deployments?status=sideways');
    expect(badStatus.status).toBe(400);
    expect(badStatus.json.error.fields.status[0]).toContain('awaiting_approval');
    const badRepo = await mender.call('GET', '/api/deployments?repo=nope');
    expect(badRepo.status).toBe(404);
    expect(badRepo.json.error.message).toContain('"nope"');
  });

  it('asks, approves, pauses, resumes and promotes a deployment; the detail shows intervals, timeline and what each role may do', async () => {
    const asked = await lead.call('POST', '/api/deployments', { repo: 'shop', environment: 'staging' });
    expect(asked.status, asked.text).toBe(201);
    expect(asked.json).toMatchObject({
      repo: 'shop',
      environment: 'staging',
      commit: shop.head(),
      status: 'awaiting_approval',
      createdBy: 'lee',
      target: expect.any(String),
    });
    const id = asked.json.id as string;

    expect((await lead.call('GET', `/api/deployments/${id}`)).json.actions).toEqual(['approve', 'cancel']);
    expect((await viewer.call('GET', `/api/deployments/${id}`)).json.actions).toEqual([]);
    const second = await lead.call('POST', '/api/deployments', { repo: 'shop', environment: 'staging' });
    expect(second.status).toBe(409);
    expect(second.json.error.message).toContain(id);
    expect((await viewer.call('POST', `/api/deployments/${id}/approve`, {})).status).toBe(403);
    expect((await lead.call('POST', `/api/deployments/${id}/promote`, {})).status).toBe(409);
    expect((await lead.call('POST', `/api/deployments/${id}/approve`, { comment: 7 })).status).toBe(400);

    const approved = await lead.call('POST', `/api/deployments/${id}/approve`, { comment: 'ship it' });
    expect(approved.status, approved.text).toBe(200);
    await waitForDeployment(id, 'canary');

    // One judged interval as the canary tick stores it: a latency histogram, health checks, a verdict.
    const latency = emptyHistogram();
    for (let request = 0; request < 100; request++) recordLatency(latency, request < 90 ? 10 : 200);
    await mender.store.db.insert(deploymentIntervals).values({
      deploymentId: id,
      seq: 1,
      endsAt: new Date(),
      elapsedMs: 30_000,
      trafficPercent: 100,
      newRelease: { requests: 100, serverErrors: 2, latency, healthChecks: [true, false] },
      stableRelease: null,
      verdict: { decision: 'continue', rule: 'watching', reason: 'watching: 1 of 120 intervals', samples: {} },
    });
    const detail = (await lead.call('GET', `/api/deployments/${id}`)).json;
    expect(detail.actions).toEqual(['promote', 'rollback', 'pause']);
    expect(detail.intervals).toHaveLength(1);
    expect(detail.intervals[0]).toMatchObject({ seq: 1, elapsedMs: 30_000, trafficPercent: 100, stableRelease: null });
    expect(detail.intervals[0].newRelease).toMatchObject({ requests: 100, serverErrors: 2, healthy: false });
    expect(detail.intervals[0].newRelease.p95Ms).toBeGreaterThan(150);
    expect(detail.intervals[0].newRelease.p95Ms).toBeLessThan(250);
    expect(detail.intervals[0].verdict).toEqual({ decision: 'continue', rule: 'watching', reason: 'watching: 1 of 120 intervals' });
    expect(detail.timeline.map((event: { type: string }) => event.type)).toEqual([
      'deployment.approval_requested',
      'deployment.approved',
      'deployment.started',
      'deployment.canary_started',
    ]);
    expect(detail.timeline[1]).toMatchObject({ actor: 'lee', data: { comment: 'ship it' } });
    expect(detail.plan).toMatchObject({ intervalMs: 3_600_000, nextEnvironment: 'production' });

    expect((await lead.call('POST', `/api/deployments/${id}/resume`, {})).status).toBe(409);
    expect((await lead.call('POST', `/api/deployments/${id}/pause`, undefined)).json.paused).toBe(true);
    expect((await lead.call('GET', `/api/deployments/${id}`)).json.actions).toEqual(['promote', 'rollback', 'resume']);
    expect((await lead.call('POST', `/api/deployments/${id}/resume`, {})).json.paused).toBe(false);

    const promoted = await lead.call('POST', `/api/deployments/${id}/promote`, { comment: 'looks good' });
    expect(promoted.status, promoted.text).toBe(200);
    expect(promoted.json).toMatchObject({ status: 'promoted', trafficPercent: 100, reason: 'promoted by lee: looks good' });

    // Promoted on to production through the promote gate, which waits for a person at autonomy 1.
    const listed = (await mender.call('GET', '/api/deployments?repo=shop')).json.deployments as Array<{ id: string; environment: string; status: string }>;
    expect(listed.map((deployment) => [deployment.environment, deployment.status])).toEqual([
      ['production', 'awaiting_approval'],
      ['staging', 'promoted'],
    ]);
    expect((await mender.call('GET', '/api/deployments?environment=staging')).json.deployments.map((deployment: { id: string }) => deployment.id)).toEqual([
      id,
    ]);
    expect((await mender.call('GET', '/api/deployments?status=awaiting_approval&limit=1')).json.deployments).toHaveLength(1);
    // The operation page asks for its own deployments: these ship no operation.
    expect((await mender.call('GET', '/api/deployments?operation=op-ships-nothing')).json.deployments).toEqual([]);
    const production = listed[0]!.id;
    const cancelled = await lead.call('POST', `/api/deployments/${production}/cancel`, { comment: 'not today' });
    expect(cancelled.json).toMatchObject({ status: 'cancelled', reason: 'cancelled by lee: not today' });

    const unknown = await mender.call('GET', '/api/deployments/no-such-deployment');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toContain('no-such-deployment');
  });

  it('rolls back a canary of a newer commit: traffic off it, the reason recorded, nothing more to do', async () => {
    shop.git('commit', '-q', '--allow-empty', '-m', 'a newer release');
    const asked = await lead.call('POST', '/api/deployments', { repo: 'shop', environment: 'staging', commit: 'main' });
    expect(asked.status, asked.text).toBe(201);
    expect(asked.json).toMatchObject({ commit: shop.head(), previousCommit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    await lead.call('POST', `/api/deployments/${asked.json.id}/approve`, {});
    await waitForDeployment(asked.json.id, 'canary');
    const rolledBack = await lead.call('POST', `/api/deployments/${asked.json.id}/rollback`, { comment: 'errors in the logs' });
    expect(rolledBack.status, rolledBack.text).toBe(200);
    expect(rolledBack.json).toMatchObject({ status: 'rolled_back', trafficPercent: 0, reason: 'rolled back by lee: errors in the logs' });
    expect((await lead.call('GET', `/api/deployments/${asked.json.id}`)).json.actions).toEqual([]);
  });

  it('sends deployment events, which belong to no operation, to a client of the general event stream', async () => {
    const response = await mender.app.request('/api/events?after=0', { headers: { authorization: `Bearer ${mender.adminToken}` } });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: deployment.rolled_back') && text.length < 1_000_000) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    await reader.cancel();
    expect(text).toContain('event: deployment.approval_requested');
    expect(text).toMatch(/event: deployment\.cancelled\ndata: \{[^\n]*"operationId":null/);
  });
});
