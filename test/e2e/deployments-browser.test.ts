import fs from 'node:fs';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCartPipeline, type CartPipeline } from '../support/cart-pipeline.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { browserAvailability, launchTestBrowser, type TestBrowser } from '../support/browser.ts';
import { screenshot, screenshotDirectory } from '../support/browser-screenshots.ts';
import { ensureWebBuild } from '../../scripts/web-build.ts';
import { DeploymentStore, type DeploymentRow } from '../../src/pipeline/ship/deployment-store.ts';
import { planDeployment } from '../../src/pipeline/ship/deployment-plan.ts';
import { parseDeploySettings } from '../../src/deploy/deploy-settings.ts';
import { emptyHistogram, recordLatency, type LatencyHistogram } from '../../src/deploy/latency-histogram.ts';
import { createEmbeddedQueue } from '../../src/queue/embedded-queue.ts';
import { EventHub } from '../../src/store/event-hub.ts';
import { createRedactor } from '../../src/safety/redaction.ts';

// One Mender with two repositories and deployments written straight into its database through
// the DeploymentStore (no deploy runner, no release processes), one Chromium: the Deployments
// page lists them by environment, a deployment's page draws both releases and its buttons POST.
const availability = browserAvailability();
if (!availability.available) console.warn(availability.notice);

const password = 'correct horse battery staple';
const admin = { name: 'ada', role: 'admin' } as const;

function histogram(latenciesMs: number[]): LatencyHistogram {
  const result = emptyHistogram();
  for (const ms of latenciesMs) recordLatency(result, ms);
  return result;
}

/** `count` requests at about `ms` each (a little spread, so the p95 sits near `ms`). */
const latencies = (count: number, ms: number) => Array.from({ length: count }, (_, index) => ms * (0.8 + (0.3 * index) / count));

describe.skipIf(!availability.available)('deployments in a real browser', () => {
  let pipeline: CartPipeline;
  let shop: TargetRepository;
  let browser: TestBrowser;
  let page: Page;
  let canary: DeploymentRow;
  let promoted: DeploymentRow;
  let rolledBack: DeploymentRow;
  let loads = 0;
  let operationId = '';

  beforeAll(async () => {
    await ensureWebBuild();
    fs.mkdirSync(screenshotDirectory, { recursive: true });
    pipeline = await startCartPipeline([]);
    shop = createTargetRepository();
    expect((await pipeline.mender.call('POST', '/api/repos', { name: 'shop', path: shop.path })).status).toBe(201);
    expect((await pipeline.mender.call('POST', '/api/users', { ...admin, password })).status).toBe(201);
    const repos = (await pipeline.mender.call('GET', '/api/repos')).json.repos as { id: string; name: string }[];
    const repoId = (name: string) => repos.find((repo) => repo.name === name)!.id;

    // The started Mender's own database; the events go to a hub of the test's, so no SSE frame announces them.
    const { db } = pipeline.mender.store;
    const deployments = new DeploymentStore(db, createEmbeddedQueue(db), new EventHub(), createRedactor([]));
    const settings = parseDeploySettings({});
    const [staging, production] = settings.environments;
    const stable = pipeline.target.git('rev-parse', 'HEAD').trim();
    pipeline.target.git('commit', '-q', '--allow-empty', '-m', 'the change being shipped');
    const shipped = pipeline.target.git('rev-parse', 'HEAD').trim();
    const base = (repo: string, environment: NonNullable<typeof staging>) => ({
      repoId: repoId(repo),
      environment: environment.name,
      target: 'local',
      plan: planDeployment(settings, environment) as unknown as Record<string, unknown>,
      createdBy: admin.name,
    });

    promoted = await deployments.create(
      { ...base('cart', production!), commit: stable, previousCommit: null, status: 'promoted', trafficPercent: 100, finishedAt: new Date() },
      admin.name,
      { type: 'deployment.promoted', data: { repo: 'cart' } },
    );
    rolledBack = await deployments.create(
      {
        ...base('shop', staging!),
        commit: shop.git('rev-parse', 'HEAD').trim(),
        previousCommit: null,
        status: 'rolled_back',
        finishedAt: new Date(),
        reason: 'error rate 31 % against 0 % on the stable release',
      },
      admin.name,
      { type: 'deployment.rolled_back', data: { repo: 'shop' } },
    );
    // The canary ships an operation's change (here one that stopped early: the scripted model has no replies).
    const operation = await pipeline.mender.call('POST', '/api/operations', { type: 'fix', description: 'total() ignores the quantity', repo: 'cart' });
    expect(operation.status, operation.text).toBe(201);
    operationId = operation.json.id as string;
    await pipeline.mender.waitForStatus(operationId, ['failed']);
    const canaryStartedAt = new Date(Date.now() - 4 * 60_000);
    canary = await deployments.create(
      { ...base('cart', staging!), operationId, commit: shipped, previousCommit: stable, status: 'canary', trafficPercent: 50, step: 1, canaryStartedAt },
      admin.name,
      { type: 'deployment.canary_started', data: { repo: 'cart', trafficPercent: 10 } },
    );
    // Three judged intervals: the new release errs a little more and is slower than the stable one.
    const figures = [
      { newRequests: 40, newErrors: 1, newMs: 30, stableRequests: 360, stableErrors: 2, stableMs: 20 },
      { newRequests: 200, newErrors: 3, newMs: 45, stableRequests: 200, stableErrors: 1, stableMs: 21 },
      { newRequests: 210, newErrors: 6, newMs: 60, stableRequests: 190, stableErrors: 1, stableMs: 19 },
    ];
    for (const [index, interval] of figures.entries()) {
      const seq = index + 1;
      const recorded = await deployments.recordInterval({
        deploymentId: canary.id,
        seq,
        endsAt: new Date(canaryStartedAt.getTime() + seq * 60_000),
        elapsedMs: seq * 60_000,
        trafficPercent: seq === 1 ? 10 : 50,
        newRelease: {
          requests: interval.newRequests,
          serverErrors: interval.newErrors,
          latency: histogram(latencies(interval.newRequests, interval.newMs)),
          healthChecks: [true],
        } as never,
        stableRelease: {
          requests: interval.stableRequests,
          serverErrors: interval.stableErrors,
          latency: histogram(latencies(interval.stableRequests, interval.stableMs)),
        } as never,
        verdict: { decision: 'continue', rule: 'watching', reason: `interval ${seq}: not shown worse yet` } as never,
      });
      expect(recorded).toBe(true);
    }
    const verdict = {
      decision: 'continue',
      rule: 'watching',
      reason: 'error rate 2.2 % against 0.5 % is not shown worse yet at 80 % confidence; watching on',
      elapsedMs: 3 * 60_000,
      intervals: 3,
      baseline: 'concurrent',
      samples: { newRequests: 450, stableRequests: 750, newErrors: 10, stableErrors: 4 },
      errorRate: { newRate: 10 / 450, stableRate: 4 / 750, likelihoodRatio: 4.2, confidence: 0.8, differenceUpperBound: 0.05 },
      latency: { percentile: 95, newMs: 62, stableMs: 21, ratio: 62 / 21, newSamples: 210, stableSamples: 190, failingIntervals: 1 },
    };
    canary = await deployments.update(canary.id, { verdict: verdict as never }, 'mender', {
      type: 'deployment.judged',
      data: { seq: 3, decision: verdict.decision, rule: verdict.rule, reason: verdict.reason, samples: verdict.samples },
    });

    browser = await launchTestBrowser();
    page = browser.page;
    page.on('load', () => (loads += 1));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await pipeline?.mender.close();
    await pipeline?.model.close();
    pipeline?.target.cleanup();
    shop?.cleanup();
  });

  it('links an operation to the deployment that ships it, from the events on its timeline', async () => {
    await page.goto(`${pipeline.mender.url}/operations/${operationId}`);
    await page.getByRole('heading', { name: 'Sign in to Mender' }).waitFor();
    await page.getByLabel('Name').fill(admin.name);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // The operation's page links the deployment that ships it: its events on the operation's timeline name it.
    const shipping = page.getByTestId('operation-deployments').locator(`[data-deployment-id="${canary.id}"]`);
    await shipping.waitFor();
    expect(await shipping.getByRole('link').getAttribute('href')).toBe(`/deployments/${canary.id}`);
    // With the deployments API (GET /api/deployments?operation=) the link says where it ships, and how.
    if ((await pipeline.mender.call('GET', `/api/deployments?operation=${operationId}`)).status === 200) {
      await expect.poll(() => shipping.textContent()).toMatch(/staging · [0-9a-f]{10}[\s\S]*canary/);
    }
    await screenshot(page, 'deployments-00-operation');
  });

  it('lists deployments by environment and follows them live, shows one with both releases charted, and its buttons POST', async (context) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Deployments', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Deployments' }).waitFor();

    // The deployments API is another change (issue 16's routes): until it is merged the page says so, and that is all it can show.
    const listed = await pipeline.mender.call('GET', '/api/deployments');
    if (listed.status === 404) {
      await page.getByText('Deployments are not configured yet.').waitFor();
      context.skip('GET /api/deployments answers 404 on this branch: the deployments routes are not merged yet');
    }
    expect(listed.status, listed.text).toBe(200);

    // Grouped by environment: staging holds the canary (cart) and the rolled-back release (shop); production the promoted one.
    const stagingGroup = page.locator('[data-environment="staging"]');
    const canaryRow = stagingGroup.locator(`tr[data-deployment-id="${canary.id}"]`);
    await canaryRow.waitFor();
    expect(await stagingGroup.getByRole('heading', { level: 2 }).textContent()).toBe('staging');
    expect(await canaryRow.locator('[data-deployment-status]').getAttribute('data-deployment-status')).toBe('canary');
    expect(await canaryRow.textContent()).toContain(canary.commit.slice(0, 10));
    expect(await canaryRow.locator('[data-traffic]').getAttribute('data-traffic')).toBe('50');
    expect(await canaryRow.getByTestId('verdict-reason').textContent()).toContain('not shown worse yet at 80 % confidence');
    expect(await stagingGroup.locator(`tr[data-deployment-id="${rolledBack.id}"]`).textContent()).toMatch(/rolled back[\s\S]*shop/);
    await page.locator(`[data-environment="production"] tr[data-deployment-id="${promoted.id}"]`).waitFor();
    await screenshot(page, 'deployments-01-list');

    // Filters: by repository, then by status.
    await page.getByLabel('Repository').selectOption('shop');
    await expect.poll(() => page.locator('tr[data-deployment-id]').count()).toBe(1);
    expect(await page.locator(`tr[data-deployment-id="${rolledBack.id}"]`).count()).toBe(1);
    await page.getByLabel('Repository').selectOption('cart');
    await page.getByLabel('Status').selectOption('promoted');
    await expect.poll(() => page.locator('tr[data-deployment-id]').count()).toBe(1);
    expect(await page.locator(`tr[data-deployment-id="${promoted.id}"]`).count()).toBe(1);
    await page.getByLabel('Status').selectOption('rolled_back');
    await page.getByText('No deployment matches.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();

    // Someone else pauses the canary: its deployment.paused event reaches the open list, which shows it without a reload.
    const loadsBefore = loads;
    expect((await pipeline.mender.call('POST', `/api/deployments/${canary.id}/pause`, {})).status).toBe(200);
    await page.locator(`tr[data-deployment-id="${canary.id}"] [data-paused="true"]`).waitFor({ timeout: 15_000 });
    expect(loads).toBe(loadsBefore);

    // The canary's own page: status, traffic, the verdict's figures and a point per interval for each release.
    await page.locator(`tr[data-deployment-id="${canary.id}"]`).getByRole('link').click();
    await page.waitForURL((url) => url.pathname === `/deployments/${canary.id}`);
    await page.getByTestId('latest-verdict').waitFor();
    expect(await page.locator('.status-line [data-deployment-status]').getAttribute('data-deployment-status')).toBe('canary');
    expect(await page.locator('.status-line [data-paused="true"]').count()).toBe(1);
    expect(await page.locator('.status-line [data-traffic]').getAttribute('data-traffic')).toBe('50');
    expect(await page.getByTestId('verdict-rule').textContent()).toBe('watching');
    const verdict = page.getByTestId('latest-verdict');
    expect(await verdict.locator('[data-figure="samples"]').textContent()).toMatch(/new 450 · stable 750/);
    expect(await verdict.locator('[data-figure="confidence"]').textContent()).toContain('80 %');
    expect(await verdict.locator('[data-figure="latency-ratio"]').textContent()).toContain('2.95×');
    expect(await page.getByTestId('plan-steps').textContent()).toBe('10 % → 50 % → 100 %');
    const charts = page.getByTestId('deployment-charts');
    for (const title of ['Error rate (5xx / requests)', 'Latency p95']) {
      const chart = charts.locator('figure').filter({ hasText: title });
      expect(await chart.locator('[data-series="new"] circle').count(), `${title}: new release`).toBe(3);
      expect(await chart.locator('[data-series="stable"] circle').count(), `${title}: stable release`).toBe(3);
      expect(await chart.locator('[data-series="new"] path').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+L[\d.]+,[\d.]+L/);
    }
    // The new release's p95 climbs above the stable one's: its last point is drawn higher (a smaller y).
    const latencyChart = charts.locator('figure').filter({ hasText: 'Latency p95' });
    const lastY = async (series: string) => Number(await latencyChart.locator(`[data-series="${series}"] circle`).last().getAttribute('cy'));
    expect(await lastY('new')).toBeLessThan(await lastY('stable'));
    expect(await page.getByTestId('timeline').locator('[data-event-type="deployment.judged"]').count()).toBe(1);
    expect(await page.getByTestId('timeline').locator('[data-event-type="deployment.paused"]').count()).toBe(1);
    await screenshot(page, 'deployments-02-detail');

    // The buttons are the actions the API offers an admin on a paused canary.
    const actions = page.getByTestId('deployment-actions');
    await actions.locator('[data-action="resume"]').waitFor();
    expect(await actions.locator('[data-action="rollback"]').count()).toBe(1);
    const isAction = (action: string) => (request: Request) =>
      request.method() === 'POST' && new URL(request.url()).pathname === `/api/deployments/${canary.id}/${action}`;

    const resumeRequest = page.waitForRequest(isAction('resume'));
    await actions.locator('[data-action="resume"]').click();
    expect((await resumeRequest).postDataJSON()).toEqual({});
    await expect.poll(() => page.locator('.status-line [data-paused="true"]').count()).toBe(0);
    expect((await pipeline.mender.call('GET', `/api/deployments/${canary.id}`)).json.paused).toBe(false);

    // Rolling back asks first, with a comment for the record; the comment goes with the request.
    await actions.locator('[data-action="rollback"]').click();
    const dialog = page.getByRole('dialog', { name: 'Roll back this deployment?' });
    await dialog.getByLabel(/Why/).fill('p95 three times the stable release');
    await screenshot(page, 'deployments-03-rollback-dialog');
    const rollbackRequest = page.waitForRequest(isAction('rollback'));
    await dialog.getByRole('button', { name: 'Roll back' }).click();
    expect((await rollbackRequest).postDataJSON()).toEqual({ comment: 'p95 three times the stable release' });
    // Whatever the release processes did (none run here), the page says how it went.
    await actions.locator('[role="status"], [role="alert"]').first().waitFor();
    await screenshot(page, 'deployments-04-after-rollback');

    // At a phone's width the page and its charts fit without sideways scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('deployment-charts').scrollIntoViewIfNeeded();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'deployments-05-detail-390');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Deployments', exact: true }).click();
    await page.locator(`tr[data-deployment-id="${canary.id}"]`).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'deployments-06-list-390');
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(browser.problems.filter((problem) => !/Failed to load resource/.test(problem))).toEqual([]);
  });
});
