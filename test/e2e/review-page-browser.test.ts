import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleScript } from '../fakes/scripted-model-server.ts';
import { startCartPipeline, type CartPipeline } from '../support/cart-pipeline.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';
import { browserAvailability, launchTestBrowser, type TestBrowser } from '../support/browser.ts';
import { screenshot } from '../support/browser-screenshots.ts';
import { ensureWebBuild } from '../../scripts/web-build.ts';

// The operation page as a page to review and decide from (issue 19): one Mender whose fix plans
// wait at the plan gate (MENDER_PLAN_GATE=fix), a scripted model, the cart repository, one Chromium.
const availability = browserAvailability();
if (!availability.available) console.warn(availability.notice);

const password = 'correct horse battery staple';
const lead = { name: 'rita', role: 'team-lead' } as const;
const wide = { width: 1440, height: 900 };
const phone = { width: 390, height: 844 };

describe.skipIf(!availability.available)('the operation page as a review page, in a real browser', () => {
  let pipeline: CartPipeline;
  let browser: TestBrowser;
  let page: Page;
  let operationId = '';

  beforeAll(async () => {
    await ensureWebBuild();
    pipeline = await startCartPipeline(roleScript({ planner: plannerReplies, coder: coderReplies(), reviewer: reviewerReplies }), {
      MENDER_MAX_ATTEMPTS: '1',
      MENDER_PLAN_GATE: 'fix',
    });
    const created = await pipeline.mender.call('POST', '/api/users', { ...lead, password });
    expect(created.status, created.text).toBe(201);
    browser = await launchTestBrowser(wide);
    page = browser.page;
    await page.goto(`${pipeline.mender.url}/`);
    await page.getByLabel('Name').fill(lead.name);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-user').waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await pipeline?.mender.close();
    await pipeline?.model.close();
    pipeline?.target.cleanup();
  });

  const start = async (description: string): Promise<string> => {
    const answer = await pipeline.mender.call('POST', '/api/operations', { type: 'fix', repo: 'cart', description });
    expect(answer.status, answer.text).toBe(201);
    return (answer.json as { id: string }).id;
  };
  const open = async (id: string) => {
    await page.goto(`${pipeline.mender.url}/operations/${id}`);
    await page.getByTestId('timeline').waitFor();
  };
  const currentStep = () => page.locator('[data-testid="stepper"] [aria-current="step"]');
  const panel = () => page.locator('.decision-panel');
  const fact = (key: string) => page.locator(`[data-testid="verdict-strip"] [data-fact="${key}"]`).innerText();
  const stepStates = () =>
    page
      .locator('[data-testid="stepper"] li')
      .evaluateAll((items) => items.map((item) => `${item.getAttribute('data-step')}:${item.getAttribute('data-state')}`));

  it('marks the plan gate as the current step and says in words why the verdict has no tests yet', async () => {
    operationId = await start('total() ignores the quantity of each item');
    expect((await pipeline.mender.waitForStatus(operationId, ['awaiting_plan_approval', 'failed'])).status).toBe('awaiting_plan_approval');
    await open(operationId);
    await expect.poll(() => currentStep().getAttribute('data-step')).toBe('awaiting_plan_approval');
    expect(await currentStep().count()).toBe(1);
    const states = await page
      .locator('[data-testid="stepper"] li')
      .evaluateAll((items) => items.map((item) => `${item.getAttribute('data-step')}:${item.getAttribute('data-state')}`));
    expect(states).toEqual([
      'queued:passed',
      'planning:passed',
      'awaiting_plan_approval:current',
      'executing:upcoming',
      'verifying:upcoming',
      'reviewing:upcoming',
      'awaiting_approval:upcoming',
      'merging:upcoming',
      'done:upcoming',
    ]);
    // The verdict sits beside the decision buttons; what is not there yet says why.
    expect(await panel().getByTestId('verdict-strip').count()).toBe(1);
    expect(await fact('baseline')).toMatch(/not run yet/);
    expect(await fact('red')).toMatch(/not run yet/);
    expect(await fact('green')).toMatch(/not run yet/);
    expect(await fact('review')).toMatch(/not reviewed yet/);
    expect(await fact('diff')).toMatch(/no change yet/);
    expect(await fact('cost')).toMatch(/1 model call/);
    expect(await page.getByTestId('verdict-strip').innerText()).not.toMatch(/(^|\s)[—-](\s|$)/);
    await screenshot(page, 'review-plan-gate-1440');
    await page.setViewportSize(phone);
    await screenshot(page, 'review-plan-gate-390');
    await page.setViewportSize(wide);
  });

  it('at the change gate shows the verdict from the evidence, the review, the risk, the diff and the cost', async () => {
    await open(operationId);
    await panel().getByRole('button', { name: 'Approve plan' }).click();
    expect((await pipeline.mender.waitForStatus(operationId, ['awaiting_approval', 'failed'])).status).toBe('awaiting_approval');
    await expect.poll(() => currentStep().getAttribute('data-step'), { timeout: 60_000 }).toBe('awaiting_approval');
    expect(await stepStates()).toEqual([
      'queued:passed',
      'planning:passed',
      'awaiting_plan_approval:passed',
      'executing:passed',
      'verifying:passed',
      'reviewing:passed',
      'awaiting_approval:current',
      'merging:upcoming',
      'done:upcoming',
    ]);
    const detail = (await pipeline.mender.call('GET', `/api/operations/${operationId}`)).json as {
      diffStats: { files: number; insertions: number; deletions: number };
      evidence: { baseline: { passed: number } };
    };
    const { files, insertions, deletions } = detail.diffStats;
    expect(await fact('diff')).toContain(`+${insertions} −${deletions} in ${files} files`);
    expect(await fact('baseline')).toContain(`✓ ${detail.evidence.baseline.passed} passed`);
    expect(await fact('red')).toMatch(/✓ the new test fails on the old code/);
    expect(await fact('green')).toMatch(/✓ \d+ passed/);
    expect(await fact('review')).toMatch(/approves/);
    expect(await fact('risk')).toMatch(/^risk\s+(low|medium|high)/);
    expect(await fact('cost')).toMatch(/\$[\d.]+ · \d+ model calls/);
    await screenshot(page, 'review-change-gate-1440');
    await page.setViewportSize(phone);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await screenshot(page, 'review-change-gate-390');
    await page.setViewportSize(wide);
  });
});
