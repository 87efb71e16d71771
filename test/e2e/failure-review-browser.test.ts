import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleScript, type ScriptHandler } from '../fakes/scripted-model-server.ts';
import { countAssistantTurns } from '../fakes/conversation-inspection.ts';
import { startCartPipeline, type CartPipeline } from '../support/cart-pipeline.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';
import { browserAvailability, launchTestBrowser, type TestBrowser } from '../support/browser.ts';
import { screenshot } from '../support/browser-screenshots.ts';
import { ensureWebBuild } from '../../scripts/web-build.ts';

// A failed operation explains itself (issue 19): each attempt's failing test with its assertion,
// the timeline's tool calls open to their arguments and result, and a retry carries feedback to
// the next attempt's coder. One Mender (scripted model, the cart repository, one attempt per
// operation) and one Chromium.
const availability = browserAvailability();
if (!availability.available) console.warn(availability.notice);

const password = 'correct horse battery staple';
const lead = { name: 'lee', role: 'team-lead' } as const;
const feedback = 'Multiply each price by its quantity in total(); the test is right.';
const failingTest = 'test/quantity.test.ts › multiplies the price by the quantity';

describe.skipIf(!availability.available)('reviewing a failed operation in a real browser', () => {
  let pipeline: CartPipeline;
  let browser: TestBrowser;
  let page: Page;
  let id = '';

  beforeAll(async () => {
    await ensureWebBuild();
    // The wrong fix writes the right test and leaves the source alone, so the test still fails;
    // told what to do (the feedback), the coder writes the fix.
    // It starts with a search whose result is long (every line of the repository).
    const wrongFix = [{ toolCalls: [{ name: 'filesystem__searchFiles', arguments: { pattern: '.' } }] }, ...coderReplies({ writeFix: false })];
    const rightFix = coderReplies();
    const coder: ScriptHandler = (request) => {
      const told = JSON.stringify(request.body).includes(feedback);
      return (told ? rightFix : wrongFix)[countAssistantTurns(request.body)] ?? { text: 'done' };
    };
    pipeline = await startCartPipeline(roleScript({ planner: plannerReplies, coder, reviewer: reviewerReplies }), { MENDER_MAX_ATTEMPTS: '1' });
    const created = await pipeline.mender.call('POST', '/api/users', { ...lead, password });
    expect(created.status, created.text).toBe(201);
    const started = await pipeline.mender.call('POST', '/api/operations', {
      type: 'fix',
      repo: 'cart',
      description: 'total() ignores the quantity of each item',
    });
    expect(started.status, started.text).toBe(201);
    id = started.json.id;
    expect((await pipeline.mender.waitForStatus(id, ['failed', 'awaiting_approval'])).status).toBe('failed');
    browser = await launchTestBrowser({ width: 1440, height: 900 });
    page = browser.page;
    await page.goto(`${pipeline.mender.url}/`);
    await page.getByLabel('Name').fill(lead.name);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-user').filter({ hasText: lead.name }).waitFor();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await pipeline?.mender.close();
    await pipeline?.model.close();
    pipeline?.target.cleanup();
  });

  const attempts = () => page.getByTestId('attempts');
  const openOperation = async () => {
    await page.goto(`${pipeline.mender.url}/operations/${id}`);
    await page.getByTestId('timeline').waitFor();
  };

  it('answers each attempt’s failing tests with their assertion and the end of the test output', async () => {
    const detail = await pipeline.mender.call('GET', `/api/operations/${id}`);
    expect(detail.status).toBe(200);
    const [attempt] = detail.json.evidence.attempts;
    expect(attempt.verified).toBe(false);
    expect(attempt.green.stillFailing).toEqual(['test/quantity.test.ts::multiplies the price by the quantity']);
    const failure = attempt.green.run.failures.find((each: { id: string }) => each.id === attempt.green.stillFailing[0]);
    expect(failure.message).toMatch(/expected 4 to be 12/);
    expect(attempt.green.run.outputTail).toMatch(/multiplies the price by the quantity/);
  });

  it('shows the attempt, its failing test and assertion, and why in plain words', async () => {
    await openOperation();
    const card = attempts().getByTestId('attempt');
    await card.waitFor();
    expect(await card.getByRole('heading', { level: 3 }).textContent()).toBe('Attempt 1 of 1: did not verify');
    expect(await card.getByTestId('attempt-reason').textContent()).toMatch(/The new test still fails with the change, so the fix does not work yet/);
    const test = card.getByTestId('failing-test');
    expect(await test.count()).toBe(1);
    expect(await test.textContent()).toContain(failingTest);
    expect(await test.locator('pre').textContent()).toMatch(/expected 4 to be 12/);
    // The end of the output, folded until asked for.
    const excerpt = card.getByTestId('output-excerpt');
    expect(await excerpt.locator('pre').isVisible()).toBe(false);
    await excerpt.locator('summary').click();
    expect(await excerpt.locator('pre').textContent()).toMatch(/multiplies the price by the quantity/);
    // Plain words, no internals: no SQL, no stack of Mender's own code.
    expect(await attempts().textContent()).not.toMatch(/\bselect\b|\binsert into\b|src\/pipeline|node_modules|internal error/i);
    // Red and green say why there is no proof, never a bare "not yet" on a failed operation.
    const evidence = page.getByTestId('evidence');
    expect(await evidence.textContent()).not.toMatch(/not yet/);
    expect(await evidence.textContent()).toMatch(/not proven: none of the 1 attempt\(s\) verified/);
    await screenshot(page, 'failure-review-1440x900');
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      // Nothing of the attempt runs off a phone's screen.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await screenshot(page, 'failure-review-390x844');
      await attempts().scrollIntoViewIfNeeded();
      await screenshot(page, 'failure-review-attempts-390x844', { fullPage: false });
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });

  it('opens a tool call on the timeline to its arguments and its result, the long one in full on request', async () => {
    await openOperation();
    const read = page.locator('[data-event-type="tool.called"]').filter({ hasText: 'filesystem__readFile(src/cart.ts)' }).first();
    const toggle = read.getByRole('button', { name: /Arguments and result/ });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(JSON.parse((await read.getByTestId('tool-call-arguments').textContent()) ?? '')).toEqual({ path: 'src/cart.ts' });
    expect(await read.getByTestId('tool-call-result').textContent()).toMatch(/export function total/);

    // The search's result is long: its start first, the whole on request.
    const run = page.locator('[data-event-type="tool.called"]').filter({ hasText: 'filesystem__searchFiles' }).first();
    await run.getByRole('button', { name: /Arguments and result/ }).click();
    const result = run.getByTestId('tool-call-result');
    const start = (await result.textContent()) ?? '';
    const showAll = run.getByRole('button', { name: /Show all/ });
    expect(await showAll.getAttribute('aria-expanded')).toBe('false');
    await showAll.click();
    expect(await run.getByRole('button', { name: 'Show less' }).getAttribute('aria-expanded')).toBe('true');
    const whole = (await result.textContent()) ?? '';
    expect(whole.length).toBeGreaterThan(start.length);
    expect(whole.startsWith(start.replace(/…$/, ''))).toBe(true);
    await read.scrollIntoViewIfNeeded();
    await screenshot(page, 'failure-review-tool-call-1440x900', { fullPage: false });
  });

  it('retries with feedback: a new attempt starts and its coder is given the feedback', async () => {
    await openOperation();
    const coderRequestsBefore = pipeline.model.requests.filter((request) => request.role === 'coder').length;
    await attempts()
      .getByLabel(/What should the next attempt do differently/)
      .fill(feedback);
    await attempts().getByRole('button', { name: 'Retry with feedback' }).click();
    await page.getByTestId('retry-started').waitFor();
    expect((await pipeline.mender.waitForStatus(id, ['awaiting_approval', 'failed'])).status).toBe('awaiting_approval');
    const coderRequests = pipeline.model.requests.filter((request) => request.role === 'coder').slice(coderRequestsBefore);
    expect(coderRequests.length).toBeGreaterThan(0);
    expect(JSON.stringify(coderRequests[0]?.body)).toContain(`A human reviewer asked for changes:\n${feedback}`.replace(/\n/g, '\\n'));
    // The new attempt verified; the page shows it and the feedback it was given.
    await attempts().getByRole('heading', { name: 'Attempt 1 of 1: verified' }).waitFor();
    expect(await page.getByText('Feedback given:').locator('..').textContent()).toContain(feedback);
  });
});
