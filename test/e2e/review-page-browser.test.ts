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
  const shownStatus = () => page.locator('.status-line [data-status]').getAttribute('data-status');
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
    // The plan is in the decision panel, beside Approve plan; the Plan section points there.
    const planInPanel = panel().getByTestId('decision-plan');
    expect(await planInPanel.innerText()).toContain('Multiply price by quantity in total()');
    expect(await panel().getByRole('button', { name: 'Approve plan' }).isVisible()).toBe(true);
    expect(await page.getByTestId('plan-in-panel').innerText()).toMatch(/beside Approve plan/);
    // The section links lead to sections that carry those ids and keep their headings.
    const links = page.getByTestId('section-nav').getByRole('link');
    expect(await links.allInnerTexts()).toEqual(['Summary', 'Changes', 'Evidence', 'Timeline', 'Plan']);
    for (const [name, id, heading] of [
      ['Summary', 'summary', 'Summary'],
      ['Changes', 'changes', 'Changes'],
      ['Evidence', 'evidence', 'Test evidence'],
      ['Timeline', 'timeline', 'Timeline'],
      ['Plan', 'plan', 'Plan'],
    ] as const) {
      expect(await links.filter({ hasText: name }).getAttribute('href')).toBe(`#${id}`);
      expect(await page.locator(`#${id}`).getByRole('heading', { name: heading, exact: true }).count()).toBeGreaterThanOrEqual(1);
    }
    await links.filter({ hasText: 'Plan' }).click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#plan');
    await expect.poll(() => page.locator('#plan').evaluate((section) => section.getBoundingClientRect().top < window.innerHeight)).toBe(true);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'review-plan-gate-1440');
    await page.setViewportSize(phone);
    await screenshot(page, 'review-plan-gate-390');
    await page.setViewportSize(wide);
  });

  it('at the change gate shows the verdict from the evidence, the review, the risk, the diff and the cost', async () => {
    await open(operationId);
    // Approving a plan asks nothing: work starts and waits at the change gate again.
    await panel().getByRole('button', { name: 'Approve plan' }).click();
    expect(await page.getByRole('dialog').count()).toBe(0);
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

  it('lists the changed files to jump to, folds them, and keeps Viewed marks for this head commit in the tab', async () => {
    await open(operationId);
    const list = page.getByTestId('diff-file-list');
    await list.waitFor();
    expect(await list.getByRole('link').allInnerTexts()).toEqual(['src/cart.ts', 'test/quantity.test.ts']);
    const testFile = page.getByRole('region', { name: 'Changes in test/quantity.test.ts' });
    await list.getByRole('link', { name: 'test/quantity.test.ts' }).click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(`#${await testFile.getAttribute('id')}`);
    await expect.poll(() => testFile.evaluate((section) => section.getBoundingClientRect().top < window.innerHeight)).toBe(true);

    // A file folds and unfolds from its header.
    const cart = page.getByRole('region', { name: 'Changes in src/cart.ts' });
    const toggle = cart.getByRole('button', { name: 'src/cart.ts' });
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await cart.locator('table').isVisible()).toBe(false);
    await toggle.click();
    expect(await cart.locator('table').isVisible()).toBe(true);

    // Viewed folds the file and counts it; it lasts across a reload, under the operation and its head commit.
    await cart.getByLabel('Viewed').check();
    expect(await page.getByTestId('viewed-count').innerText()).toBe('1 of 2 viewed');
    expect(await cart.locator('table').isVisible()).toBe(false);
    await page.reload();
    await page.getByTestId('diff-file-list').waitFor();
    expect(await cart.getByLabel('Viewed').isChecked()).toBe(true);
    expect(await cart.locator('table').isVisible()).toBe(false);
    expect(await testFile.getByLabel('Viewed').isChecked()).toBe(false);
    const head = ((await pipeline.mender.call('GET', `/api/operations/${operationId}`)).json as { changeRequest: { headCommit: string } }).changeRequest
      .headCommit;
    expect(await page.evaluate(() => Object.keys(window.sessionStorage))).toContain(`mender-viewed:${operationId}:${head}`);

    // Side by side where there is room; unified only below 700 px.
    await page.getByRole('button', { name: 'Side by side' }).click();
    expect(await testFile.locator('table').getAttribute('data-layout')).toBe('split');
    await page.setViewportSize(phone);
    await expect.poll(() => testFile.locator('table').getAttribute('data-layout')).toBe('unified');
    expect(await page.getByRole('button', { name: 'Side by side' }).count()).toBe(0);
    await page.locator('#changes').scrollIntoViewIfNeeded();
    await screenshot(page, 'review-diff-390', { fullPage: false });
    await page.setViewportSize(wide);
    await expect.poll(() => testFile.locator('table').getAttribute('data-layout')).toBe('split');
    await page.getByRole('button', { name: 'Unified' }).click();
    await cart.getByLabel('Viewed').uncheck();
    await screenshot(page, 'review-diff-1440');
  });

  it('moves between files, to the comment and to approval from the keyboard, and lists the keys under ?', async () => {
    await open(operationId);
    await page.getByTestId('diff-file-list').waitFor();
    const focusedFile = () => page.evaluate(() => document.activeElement?.closest<HTMLElement>('.diff-file')?.dataset.path ?? null);
    await page.keyboard.press('j');
    await expect.poll(focusedFile).toBe('src/cart.ts');
    await page.keyboard.press('j');
    await expect.poll(focusedFile).toBe('test/quantity.test.ts');
    await page.keyboard.press('j');
    await expect.poll(focusedFile).toBe('test/quantity.test.ts');
    await page.keyboard.press('k');
    await expect.poll(focusedFile).toBe('src/cart.ts');

    await page.keyboard.press('Shift+?');
    const list = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await list.waitFor();
    expect(await list.locator('dt').allInnerTexts()).toEqual(['j', 'k', 'a', 'r', '?']);
    await screenshot(page, 'review-shortcuts-1440', { fullPage: false });
    await page.keyboard.press('Escape');
    await list.waitFor({ state: 'hidden' });

    // r goes to the comment box; keys typed there are the box's, not shortcuts.
    await page.keyboard.press('r');
    const comment = panel().getByRole('textbox', { name: /Comment/ });
    await expect.poll(() => comment.evaluate((box) => box === document.activeElement)).toBe(true);
    await page.keyboard.type('ja');
    expect(await comment.inputValue()).toBe('ja');
    expect(await page.getByRole('dialog', { name: 'Approve and merge this change?' }).isVisible()).toBe(false);
    await comment.fill('');
    await comment.evaluate((box) => box.blur());

    // a is the Approve button: a change still asks to confirm.
    await page.keyboard.press('a');
    const confirm = page.getByRole('dialog', { name: 'Approve and merge this change?' });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect((await pipeline.mender.call('GET', `/api/operations/${operationId}`)).json.status).toBe('awaiting_approval');
  });

  it('asks before approving and merging, and merges only once confirmed', async () => {
    await open(operationId);
    await panel().getByRole('button', { name: 'Approve and merge' }).click();
    const dialog = page.getByRole('dialog', { name: 'Approve and merge this change?' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/merges the branch into the default branch/);
    await screenshot(page, 'review-confirm-merge-1440', { fullPage: false });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await pipeline.mender.call('GET', `/api/operations/${operationId}`)).json.status).toBe('awaiting_approval');
    await panel().getByRole('button', { name: 'Approve and merge' }).click();
    await dialog.getByRole('button', { name: 'Approve and merge' }).click();
    await expect.poll(shownStatus, { timeout: 120_000 }).toBe('done');
    await expect.poll(() => currentStep().getAttribute('data-step')).toBe('done');
    expect(await page.locator('[data-testid="stepper"] [data-state="upcoming"]').count()).toBe(0);
  });

  it('shows a plan rejected at the gate stopped at that step, and why its tests never ran', async () => {
    const id = await start('total() ignores quantities, rejected at the plan');
    expect((await pipeline.mender.waitForStatus(id, ['awaiting_plan_approval', 'failed'])).status).toBe('awaiting_plan_approval');
    await open(id);
    await panel().getByRole('button', { name: 'Reject' }).click();
    await page.getByRole('dialog', { name: 'Reject this change?' }).getByRole('button', { name: 'Reject' }).click();
    await expect.poll(shownStatus).toBe('rejected');
    await expect.poll(() => currentStep().getAttribute('data-state')).toBe('stopped');
    expect(await currentStep().getAttribute('data-step')).toBe('awaiting_plan_approval');
    expect(await currentStep().innerText()).toMatch(/plan gate — rejected/);
    expect(await fact('baseline')).toMatch(/stopped before the tests/);
    expect(await fact('green')).toMatch(/stopped before the tests/);
    expect(await fact('review')).toMatch(/stopped before the review/);
    await page.setViewportSize(phone);
    await screenshot(page, 'review-rejected-at-plan-390');
    await page.setViewportSize(wide);
  });
});
