import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedModelServer, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { browserAvailability, launchTestBrowser, type TestBrowser } from '../support/browser.ts';
import { screenshot } from '../support/browser-screenshots.ts';
import { envelope } from '../support/sentry-events.ts';
import { ensureWebBuild } from '../../scripts/web-build.ts';

// Reviewing a detected issue in the dashboard (issue 19): real-shaped Sentry events reach a Mender
// with detection on; the issue page shows where and for whom the error happens, and a team lead
// starts its fix from there. The model never answers, so the started operation stays at work.
const availability = browserAvailability();
if (!availability.available) console.warn(availability.notice);

const password = 'correct horse battery staple';
const lead = { name: 'lee', role: 'team-lead' } as const;

/** A Sentry JavaScript SDK error event as a browser sends it (release, request, user, tags). */
function browserEvent(options: { release: string; url: string; user: string }): Record<string, unknown> {
  return {
    event_id: crypto.randomUUID().replace(/-/g, ''),
    timestamp: Date.now() / 1000,
    platform: 'javascript',
    level: 'error',
    release: options.release,
    environment: 'production',
    sdk: { name: 'sentry.javascript.browser', version: '8.30.0' },
    request: { url: `https://shop.example.com${options.url}`, headers: { 'User-Agent': 'Mozilla/5.0' } },
    user: { id: options.user, email: `${options.user}@example.com` },
    tags: { browser: 'Chrome 129' },
    exception: {
      values: [
        {
          type: 'TypeError',
          value: "Cannot read properties of undefined (reading 'quantity')",
          mechanism: { type: 'onerror', handled: false },
          stacktrace: {
            frames: [
              { filename: 'https://shop.example.com/assets/vendor.js', function: 'dispatch', lineno: 1, colno: 9000, in_app: false },
              { filename: '/srv/app/src/checkout.ts', function: 'submitOrder', lineno: 4, colno: 11, in_app: true },
              { filename: '/srv/app/src/cart.ts', function: 'total', lineno: 3, colno: 30, in_app: true },
            ],
          },
        },
      ],
    },
  };
}

// Nine events from two users (more would make it a P1 whose fix starts at once): each its own
// request, digested before the next, as a browser sends them. Releases over all nine: 1.4.0 ×5,
// 1.3.0 ×4. Kept as samples: the first and the latest five, so routes /checkout ×3, /cart ×3 and
// users ann ×4, bob ×2.
const sent = [
  ...Array.from({ length: 4 }, () => browserEvent({ release: 'shop@1.4.0', url: '/checkout', user: 'ann' })),
  browserEvent({ release: 'shop@1.4.0', url: '/checkout', user: 'bob' }),
  browserEvent({ release: 'shop@1.3.0', url: '/checkout', user: 'bob' }),
  ...Array.from({ length: 3 }, () => browserEvent({ release: 'shop@1.3.0', url: '/cart', user: 'ann' })),
];

describe.skipIf(!availability.available)('reviewing a detected issue in a real browser', () => {
  let model: ScriptedModelServer;
  let mender: MenderUnderTest;
  let target: TargetRepository;
  let browser: TestBrowser;
  let page: Page;
  let issueId = '';
  let base = '';

  beforeAll(async () => {
    await ensureWebBuild();
    model = await startScriptedModelServer(() => ({ hang: true }));
    mender = await startMenderUnderTest({ MENDER_MODEL: 'openai-compatible:scripted-model', MENDER_MODEL_BASE_URL: model.url });
    base = `http://127.0.0.1:${mender.port}`;
    target = createTargetRepository();
    expect((await mender.call('POST', '/api/repos', { name: 'shop', path: target.path })).status).toBe(201);
    const project = (await mender.call('POST', '/api/projects', { name: 'shop', repo: 'shop' })).json as { id: number; publicKey: string };
    const created = await mender.call('POST', '/api/users', { ...lead, password });
    expect(created.status, created.text).toBe(201);
    for (const event of sent) {
      const response = await mender.app.request(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, { method: 'POST', body: envelope([event]) });
      expect(response.status).toBe(200);
      for (let tries = 0; (await mender.call('GET', '/api/detection')).json.pending !== 0 && tries < 200; tries += 1)
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const issues = (await mender.call('GET', '/api/issues')).json.issues as { id: string; count: number; operations: unknown[] }[];
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ count: sent.length, operations: [] });
    issueId = issues[0]!.id;
    browser = await launchTestBrowser({ width: 1440, height: 900 });
    page = browser.page;
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'Sign in to Mender' }).waitFor();
    await page.getByLabel('Name').fill(lead.name);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-user').filter({ hasText: lead.name }).waitFor();
    // The signed-out probe before signing in answers 401 by design: only what follows counts.
    browser.problems.length = 0;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await mender?.close();
    await model?.close();
    target?.cleanup();
  });

  const openIssue = async () => {
    await page.goto(`${base}/issues/${issueId}`);
    await page.getByRole('heading', { level: 1, name: /Cannot read properties of undefined/ }).waitFor();
  };

  /** Each row of a breakdown as "value count · percent%". */
  const breakdownRows = (key: string) =>
    page
      .getByTestId(`breakdown-${key}`)
      .locator('li')
      .evaluateAll((items) =>
        items.map((item) => `${item.querySelector('.breakdown-value')?.textContent} ${item.querySelector('.breakdown-count')?.textContent}`),
      );

  it('shows the events per hour with axes, and breakdowns by release, route and user with counts and shares', async () => {
    await openIssue();
    const histogram = page.locator('figure', { hasText: 'Events per hour, last 24 hours' });
    await histogram.locator('svg[role="img"]').waitFor();
    expect(await histogram.getByTestId('chart-headline').textContent()).toMatch(/^9\s*events in 24 h$/);
    // The y axis runs 0 to a round 10 (nine events at most in an hour); the x axis names local hours.
    const labels = await histogram.locator('.chart-axes text').allTextContents();
    expect(labels.slice(0, 3)).toEqual(['0', '5', '10']);
    const hours = labels.slice(3);
    expect(hours).toHaveLength(4);
    for (const hour of hours) expect(hour).toMatch(/^\d\d:00$/);
    const rows = await histogram.locator('table tbody tr').evaluateAll((items) => items.map((item) => Number(item.lastElementChild?.textContent)));
    expect(rows).toHaveLength(24);
    expect(rows.reduce((sum, value) => sum + value, 0)).toBe(sent.length);

    expect(await page.getByTestId('breakdown-release').locator('p').first().textContent()).toBe('of all 9 events');
    expect(await breakdownRows('release')).toEqual(['shop@1.4.0 5 · 56%', 'shop@1.3.0 4 · 44%']);
    expect(await page.getByTestId('breakdown-route').locator('p').first().textContent()).toBe('of the 6 kept samples');
    expect(await breakdownRows('route')).toEqual(['/cart 3 · 50%', '/checkout 3 · 50%']);
    expect(await breakdownRows('user')).toEqual(['ann 4 · 67%', 'bob 2 · 33%']);
    // Why these nine events are one issue: the type and the in-app frames, not the vendor frame.
    const grouping = page.getByTestId('grouping');
    expect(await grouping.locator('strong').textContent()).toBe('exception type + in-app frames');
    await grouping.getByText(/What went into the hash/).click();
    const parts = (await grouping.locator('li').allTextContents()).join('\n');
    expect(parts).toContain('TypeError');
    expect(parts).toMatch(/submitOrder/);
    expect(parts).not.toMatch(/dispatch/);

    await page.getByText('No operation yet.').waitFor();
    await screenshot(page, 'issue-review-1440x900');
    await page.setViewportSize({ width: 390, height: 844 });
    await histogram.locator('svg[role="img"]').waitFor();
    await screenshot(page, 'issue-review-390x844');
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(browser.problems).toEqual([]);
  });

  it('starts a fix from the issue, links to the operation, and the operation links back', async () => {
    await openIssue();
    await page.getByText('No operation yet.').waitFor();

    await page.getByRole('button', { name: 'Start fix' }).click();
    const started = page.getByRole('status').filter({ hasText: 'Fix started' });
    await started.waitFor();
    // The issue lists the operation, and no second start is offered while it works.
    await page
      .locator('.card', { hasText: 'Operations' })
      .getByRole('link', { name: /^[a-z0-9]+$/ })
      .first()
      .waitFor();
    expect(await page.getByRole('button', { name: /Start fix|Retry fix/ }).count()).toBe(0);
    const operationId = (await started.getByRole('link').textContent())!.replace('operation ', '');
    expect(operationId).not.toBe('');
    const operation = (await mender.call('GET', `/api/operations/${operationId}`)).json;
    expect(operation).toMatchObject({ source: 'detector', createdBy: lead.name, errorContext: { issueId } });

    await started.getByRole('link').click();
    await page.waitForURL(`${base}/operations/${operationId}`);
    const back = page.getByTestId('links').getByRole('link', { name: `issue ${issueId}` });
    await back.click();
    await page.waitForURL(`${base}/issues/${issueId}`);
    await page.locator('.card', { hasText: 'Operations' }).getByRole('link', { name: operationId }).waitFor();
    expect(browser.problems).toEqual([]);
  });
});
