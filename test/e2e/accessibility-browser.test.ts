import crypto from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { roleScript, type ScriptHandler } from '../fakes/scripted-model-server.ts';
import { countAssistantTurns } from '../fakes/conversation-inspection.ts';
import { startCartPipeline, type CartPipeline } from '../support/cart-pipeline.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';
import { browserAvailability, launchTestBrowser, type TestBrowser } from '../support/browser.ts';
import { screenshot } from '../support/browser-screenshots.ts';
import { seriousAxeViolations } from '../support/browser-axe.ts';

// axe-core on every page of the dashboard, light and dark (issue 19): no serious or critical
// violation. One Mender with an operation awaiting approval, a failed one and an issue, so that
// the pages show their content rather than their empty states. Each page is also left as a
// screenshot at 1440×900, in the dark and at a phone's 390×844 for a person to look at.
const availability = browserAvailability();
if (!availability.available) console.warn(availability.notice);

const admin = { name: 'ada', role: 'admin', password: 'correct horse battery staple' };

type Ids = { waiting: string; failed: string; issue: string };
/** Each page, and what shows once its content (not its loading state) is there. */
const pages: { name: string; path: (ids: Ids) => string; ready: (ids: Ids) => string }[] = [
  { name: 'overview', path: () => '/', ready: () => 'main h1' },
  { name: 'operations', path: () => '/operations', ready: (ids) => `tr[data-operation-id="${ids.waiting}"]` },
  { name: 'new-operation', path: () => '/operations/new', ready: () => 'main form' },
  { name: 'operation-awaiting', path: (ids) => `/operations/${ids.waiting}`, ready: () => '[data-testid="timeline"]' },
  { name: 'operation-failed', path: (ids) => `/operations/${ids.failed}`, ready: () => '[data-testid="timeline"]' },
  { name: 'approvals', path: () => '/approvals', ready: () => 'main h1' },
  { name: 'issues', path: () => '/issues', ready: () => '.issue-list li' },
  { name: 'issue', path: (ids) => `/issues/${ids.issue}`, ready: () => 'main h1' },
  { name: 'deployments', path: () => '/deployments', ready: () => 'main h1' },
  { name: 'self-updates', path: () => '/self-updates', ready: () => 'main h1' },
  { name: 'repositories', path: () => '/repositories', ready: () => '[data-repo="cart"]' },
  { name: 'projects', path: () => '/projects', ready: () => '[data-project="cart-app"]' },
  { name: 'users', path: () => '/users', ready: () => '[data-testid="user-table"] tbody tr' },
  { name: 'settings', path: () => '/settings', ready: () => 'main h1' },
  { name: 'audit', path: () => '/audit', ready: () => '[data-testid="audit-table"] tbody tr' },
];

describe.skipIf(!availability.available)('accessibility of every dashboard page', () => {
  let pipeline: CartPipeline;
  let browser: TestBrowser;
  let page: Page;
  let ids = { waiting: '', failed: '', issue: '' };

  beforeAll(async () => {
    const coder: ScriptHandler = (request) => {
      const writeFix = !JSON.stringify(request.body).includes('a wrong fix');
      return coderReplies({ writeFix })[countAssistantTurns(request.body)] ?? { text: 'done' };
    };
    pipeline = await startCartPipeline(roleScript({ planner: plannerReplies, coder, reviewer: reviewerReplies }), { MENDER_MAX_ATTEMPTS: '1' });
    const created = await pipeline.mender.call('POST', '/api/users', admin);
    expect(created.status, created.text).toBe(201);
    const start = async (description: string) =>
      (await pipeline.mender.call('POST', '/api/operations', { type: 'fix', repo: 'cart', description })).json.id as string;
    const waiting = await start('total() ignores the quantity');
    const failed = await start('a wrong fix: total() ignores the quantity');
    expect((await pipeline.mender.waitForStatus(waiting, ['awaiting_approval', 'failed'])).status).toBe('awaiting_approval');
    expect((await pipeline.mender.waitForStatus(failed, ['awaiting_approval', 'failed'])).status).toBe('failed');
    const issue = await reportAnError(pipeline);
    ids = { waiting, failed, issue };
    browser = await launchTestBrowser({ width: 1440, height: 900 });
    page = browser.page;
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await pipeline?.mender.close();
    await pipeline?.model.close();
    pipeline?.target.cleanup();
  });

  const seriousViolations = () => seriousAxeViolations(page);

  async function setTheme(theme: 'light' | 'dark') {
    await page.evaluate((choice) => window.localStorage.setItem('mender-theme', choice), theme);
  }

  async function visit(path: string, ready: string) {
    await page.goto(`${pipeline.mender.url}${path}`);
    await page.locator(ready).first().waitFor();
    // Let the page's data settle (lists, charts) before judging it.
    await page.waitForLoadState('networkidle');
  }

  it('has no serious or critical violation on the sign-in page', async () => {
    await page.goto(`${pipeline.mender.url}/`);
    await page.getByRole('heading', { name: 'Sign in to Mender' }).waitFor();
    expect(await seriousViolations()).toEqual([]);
    await page.getByLabel('Name').fill(admin.name);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-user').filter({ hasText: admin.name }).waitFor();
  });

  for (const theme of ['light', 'dark'] as const) {
    for (const { name, path, ready } of pages) {
      it(`has no serious or critical violation on the ${name} page in the ${theme} theme`, async () => {
        await setTheme(theme);
        await visit(path(ids), ready(ids));
        expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
        await screenshot(page, `a11y-${name}-1440-${theme}`);
        expect(await seriousViolations()).toEqual([]);
      });
    }
  }

  it('leaves a phone-width screenshot of every page, none scrolling sideways', async () => {
    await setTheme('light');
    await page.setViewportSize({ width: 390, height: 844 });
    const sideways: string[] = [];
    for (const { name, path, ready } of pages) {
      await visit(path(ids), ready(ids));
      if (await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1)) sideways.push(name);
      await screenshot(page, `a11y-${name}-390`);
    }
    expect(sideways).toEqual([]);
    expect(browser.problems.filter((problem) => !/Failed to load resource/.test(problem))).toEqual([]);
  });
});

/** Sends one error through the Sentry-compatible ingest endpoint and returns the issue it made. */
async function reportAnError(pipeline: CartPipeline): Promise<string> {
  const project = (await pipeline.mender.call('POST', '/api/projects', { name: 'cart-app', repo: 'cart' })).json as { id: number; publicKey: string };
  const payload = JSON.stringify({
    event_id: crypto.randomUUID().replace(/-/g, ''),
    level: 'error',
    exception: {
      values: [
        {
          type: 'TypeError',
          value: 'total is not a function',
          stacktrace: { frames: [{ filename: '/srv/app/cart.js', function: 'total', lineno: 3, in_app: true }] },
        },
      ],
    },
  });
  const sent = await pipeline.mender.app.request(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-sentry-envelope' },
    body: `{}\n${JSON.stringify({ type: 'event', length: Buffer.byteLength(payload) })}\n${payload}\n`,
  });
  expect(sent.status).toBe(200);
  return vi.waitFor(
    async () => {
      const [issue] = (await pipeline.mender.call('GET', '/api/issues')).json.issues as { id: string }[];
      if (!issue) throw new Error('the reported error made no issue yet');
      return issue.id;
    },
    { timeout: 30_000, interval: 100 },
  );
}
