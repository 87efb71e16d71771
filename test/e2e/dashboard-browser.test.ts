import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../src/store/database.ts';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleScript } from '../fakes/scripted-model-server.ts';
import { startCartPipeline, type CartPipeline } from '../support/cart-pipeline.ts';
import { cartPlan, coderReplies, reviewerReplies } from '../support/scripted-roles.ts';
import { fixedCart } from '../support/target-repository.ts';
import { browserAvailability, launchTestBrowser, type TestBrowser } from '../support/browser.ts';
import { resetScreenshots, screenshot } from '../support/browser-screenshots.ts';
import { startCuttableProxy, type CuttableProxy } from '../support/browser-proxy.ts';
import { contrastOf } from '../support/browser-contrast.ts';
import { ensureWebBuild } from '../../scripts/web-build.ts';

// One Mender (scripted model, the cart repository, two-person rule ON), one Chromium, and the
// steps in order: a team lead starts a fix, a viewer looks, an admin approves, pauses, audits.
const availability = browserAvailability();
if (!availability.available) console.warn(availability.notice);

const password = 'correct horse battery staple';

// Plans are model output: markup in them must show as text and never run (PLAN.md is rendered from Markdown).
const hostileMarkup = '<img src=x onerror="window.menderInjected=1"><script>window.menderInjected=2</script>';
const plannerReplies = [
  {
    toolCalls: [
      {
        name: 'submit_plan',
        arguments: { ...cartPlan, rootCause: `${cartPlan.rootCause}. ${hostileMarkup} See [the docs](javascript:window.menderInjected=3).` },
      },
    ],
  },
];
const people = { lead: { name: 'lee', role: 'team-lead' }, admin: { name: 'ada', role: 'admin' }, viewer: { name: 'vic', role: 'viewer' } } as const;

describe.skipIf(!availability.available)('dashboard in a real browser', () => {
  let pipeline: CartPipeline;
  let browser: TestBrowser;
  let proxy: CuttableProxy;
  let page: Page;
  let operationId = '';
  let loads = 0;
  // Sessions are judged by this clock: the expiry step moves it forward instead of waiting.
  let clockOffsetMs = 0;

  beforeAll(async () => {
    // The page under test is the built dashboard: build it when web/dist is missing or stale.
    await ensureWebBuild();
    resetScreenshots();
    pipeline = await startCartPipeline(
      roleScript({ planner: plannerReplies, coder: coderReplies(), reviewer: reviewerReplies }),
      { MENDER_TWO_PERSON_RULE: 'true' },
      { clock: () => new Date(Date.now() + clockOffsetMs) },
    );
    // The test command becomes a chain whose second step Mender cannot read (another package's
    // script): the page must name that step and why it was read from the exit code only.
    fs.mkdirSync(path.join(pipeline.target.path, 'tools'));
    fs.writeFileSync(
      path.join(pipeline.target.path, 'tools/package.json'),
      `${JSON.stringify({ name: 'cart-tools', private: true, scripts: { check: 'echo tools checked' } })}\n`,
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(pipeline.target.path, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    manifest.scripts.test = 'vitest run && npm run --prefix tools check';
    fs.writeFileSync(path.join(pipeline.target.path, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    pipeline.target.git('add', '-A');
    pipeline.target.git('commit', '-q', '-m', 'tools check after the tests');
    // The admin comes from the one-time setup link, in the first step; the others from the API.
    for (const person of [people.lead, people.viewer]) {
      const created = await pipeline.mender.call('POST', '/api/users', { ...person, password });
      expect(created.status, created.text).toBe(201);
    }
    // The browser reaches Mender through a relay the test can cut, to see the page lose and regain its live stream.
    proxy = await startCuttableProxy({ host: '127.0.0.1', port: pipeline.mender.port });
    browser = await launchTestBrowser();
    page = browser.page;
    page.on('load', () => (loads += 1));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await pipeline?.mender.close();
    await pipeline?.model.close();
    pipeline?.target.cleanup();
  });

  async function signIn(person: { name: string }) {
    await page.getByRole('heading', { name: 'Sign in to Mender' }).waitFor();
    await page.getByLabel('Name').fill(person.name);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-user').filter({ hasText: person.name }).waitFor();
  }

  async function signOut() {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Mender' }).waitFor();
  }

  async function openFromNavigation(label: string, heading = label) {
    // "Approvals 2 waiting" while gates wait for the signed-in person.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: new RegExp(`^${label}( \\d+ waiting)?$`) })
      .click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  const shownStatus = () => page.locator('.status-line [data-status]').getAttribute('data-status');

  it('creates the first admin from the one-time setup link Mender printed', async () => {
    const line = pipeline.mender.logs.find((entry) => entry.includes('setupLink'));
    const setupLink = new URL(JSON.parse(line ?? '{}').setupLink as string);
    await page.goto(`${proxy.url}${setupLink.pathname}${setupLink.search}`);
    await page.getByRole('heading', { name: 'Create the first admin' }).waitFor();
    await page.getByLabel('Admin name').fill(people.admin.name);
    await page.getByLabel(/^Password \(at least/).fill(password);
    await page.getByLabel('Password again').fill(`${password} typo`);
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await page.getByText('The two passwords differ').waitFor();
    await page.getByLabel('Password again').fill(password);
    await screenshot(page, '00-setup');
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await page.getByTestId('signed-in-user').filter({ hasText: 'ada (admin)' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    expect((await pipeline.mender.call('GET', '/api/setup')).json).toEqual({ needed: false });
    await signOut();
  });

  it('signs a team lead in, starts a fix from the page and follows it live to approval without a reload', async () => {
    await screenshot(page, '01-sign-in');
    // A wrong password is refused with a message, and nothing else happens.
    await page.getByLabel('Name').fill(people.lead.name);
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/name and password|wrong/i);

    await signIn(people.lead);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.getByTestId('agent-state').waitFor();
    await screenshot(page, '02-overview');
    const loadsAfterSignIn = loads;
    await page.evaluate(() => Object.assign(window, { menderPageMarker: 'still the same page' }));

    await openFromNavigation('Operations');
    await page.getByRole('link', { name: 'New operation' }).click();
    await page.getByRole('heading', { level: 1, name: 'New operation' }).waitFor();
    await page.getByLabel('Description').fill('total() ignores the quantity of each item');
    await page.getByText('Error and stack trace (optional)').click();
    await page.getByLabel('Error message').fill('AssertionError: expected 4 to be 12');
    await screenshot(page, '03-new-operation');
    await page.getByRole('button', { name: 'Start fix' }).click();

    // The form itself lives at /operations/new: wait for the created operation's own address.
    await page.waitForURL((url) => /\/operations\/[a-z0-9]+$/.test(url.pathname) && !url.pathname.endsWith('/operations/new'));
    operationId = new URL(page.url()).pathname.split('/').pop()!;
    const seen: string[] = [];
    const deadline = Date.now() + 150_000;
    for (;;) {
      const status = await shownStatus();
      if (status && seen.at(-1) !== status) seen.push(status);
      if (status === 'awaiting_approval' || status === 'failed' || Date.now() > deadline) break;
      await page.waitForTimeout(100);
    }
    if (seen.length === 3) await screenshot(page, '04-operation-live');
    expect(seen.at(-1), `statuses seen: ${seen.join(' → ')}`).toBe('awaiting_approval');
    // The page moved through the pipeline's steps by itself: the same document, never reloaded.
    expect(seen.filter((status) => ['planning', 'executing', 'verifying', 'reviewing'].includes(status)).length).toBeGreaterThanOrEqual(2);
    expect(await page.evaluate(() => (window as unknown as { menderPageMarker?: string }).menderPageMarker)).toBe('still the same page');
    expect(loads).toBe(loadsAfterSignIn);

    const timeline = page.getByTestId('timeline');
    expect(await timeline.locator('[data-event-type="tool.called"]').count()).toBeGreaterThanOrEqual(4);
    await expect.poll(() => timeline.locator('[data-event-type="approval.requested"]').count()).toBe(1);
    await expect.poll(() => page.getByTestId('evidence').textContent()).toMatch(/red confirmed/);
    // Red names the test that failed on the old code, with the runner's message, under its step.
    const redTest = page.getByTestId('red-evidence').locator('[data-step="1"] [data-testid="failing-test"]');
    expect(await redTest.textContent()).toContain('test/quantity.test.ts › multiplies the price by the quantity');
    expect(await redTest.textContent()).toContain('expected 4 to be 12');
    expect(await page.getByTestId('red-evidence').locator('[data-step="2"]').textContent()).toContain(
      "npm run --prefix tools check via script test · read from the exit code: runs another package's scripts (--prefix)",
    );
    expect(await page.getByTestId('risk').textContent()).toMatch(/needs/);
    expect(await page.getByRole('heading', { name: 'Root cause' }).count()).toBe(1);
    const plan = page.locator('#plan .markdown');
    expect(await plan.textContent()).toContain(hostileMarkup);
    expect(await plan.locator('img, script').count()).toBe(0);
    expect(await plan.locator('a').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { menderInjected?: number }).menderInjected)).toBeUndefined();
    await screenshot(page, '05-operation-awaiting-approval');

    // Unified, then side by side: the fix is in the diff, highlighted.
    const changes = page.locator('#changes');
    await changes.locator('table[data-layout="unified"]').first().waitFor();
    expect(await changes.textContent()).toContain('item.price * item.quantity');
    expect(await changes.locator('.diff-added .token-keyword').count()).toBeGreaterThan(0);
    await changes.scrollIntoViewIfNeeded();
    await changes.screenshot({ path: path.join(path.dirname(await screenshot(page, '06-diff-page')), '06-diff-unified.png') });
    await changes.getByRole('button', { name: 'Side by side' }).click();
    await changes.locator('table[data-layout="split"]').first().waitFor();
    expect(await changes.getByRole('button', { name: 'Side by side' }).getAttribute('aria-pressed')).toBe('true');
    await changes.screenshot({ path: path.join(path.dirname(await screenshot(page, '07-diff-page-split')), '07-diff-split.png') });

    // The two-person rule: the team lead who asked is not offered Approve; the panel says why and where the rule is set.
    await page.getByTestId('two-person-note').waitFor();
    expect(await page.getByTestId('two-person-note').textContent()).toMatch(/two-person rule.*Settings/);
    expect(await page.locator('.decision-panel [data-action="approve"]').count()).toBe(0);
    expect(await shownStatus()).toBe('awaiting_approval');

    // The list filters by status, type and repository, and shows the operation.
    await openFromNavigation('Operations');
    await page.getByLabel('Status').selectOption('awaiting_approval');
    await page.locator(`tr[data-operation-id="${operationId}"]`).waitFor();
    await page.getByLabel('Type').selectOption('refactor');
    await page.getByText('No operations match.').waitFor();
    await page.getByLabel('Type').selectOption('fix');
    await page.getByLabel('Repository').selectOption('cart');
    await page.locator(`tr[data-operation-id="${operationId}"]`).waitFor();
    await screenshot(page, '08-operations-filtered');
    expect(loads).toBe(loadsAfterSignIn);
    await signOut();
  });

  it('shows a viewer no approve button, and the API refuses the viewer with 403', async () => {
    await signIn(people.viewer);
    await openFromNavigation('Approvals');
    const queued = page.locator(`[data-testid="approval-queue"] [data-operation-id="${operationId}"]`);
    await queued.waitFor();
    expect(await queued.textContent()).toMatch(/needs\s*team-lead/);
    // The card names the policy rule that sent the change to a person.
    expect(await queued.getByTestId('approval-rule').textContent()).toContain('autonomy-1-asks');
    await screenshot(page, '09-approvals');
    await queued.getByRole('link').click();
    await page.getByTestId('viewer-note').waitFor();
    expect(await shownStatus()).toBe('awaiting_approval');
    expect(await page.locator('[data-action]').count()).toBe(0);
    expect(await page.getByRole('button', { name: /approve/i }).count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).count()).toBe(0);
    await screenshot(page, '10-viewer-detail');

    const refused = await page.evaluate(async (id) => {
      const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
      const response = await fetch(`/api/operations/${id}/approve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: '{}',
      });
      return { status: response.status, body: (await response.json()) as { error: { code: string } } };
    }, operationId);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await pipeline.mender.call('GET', `/api/operations/${operationId}`)).json.status).toBe('awaiting_approval');
    await signOut();
  });

  it('leads the Overview with what needs you: the lead sees who can decide, the admin a Review button and a badge on Approvals', async () => {
    const navigation = page.getByRole('navigation', { name: 'Main' });
    await signIn(people.lead);
    await openFromNavigation('Overview');
    const needsYou = page.getByTestId('needs-you');
    await needsYou.getByText('Nothing waits for you.').waitFor();
    // Under the two-person rule the lead who asked cannot approve: the row says so, and who can.
    const theirs = needsYou.locator(`[data-operation-id="${operationId}"]`);
    expect(await theirs.getAttribute('data-for-you')).toBe('false');
    expect(await theirs.textContent()).toMatch(/another team-lead must approve/);
    expect(await navigation.getByRole('link', { name: 'Approvals', exact: true }).count()).toBe(1);
    await signOut();

    await signIn(people.admin);
    await openFromNavigation('Overview');
    const row = needsYou.locator(`[data-operation-id="${operationId}"][data-for-you="true"]`);
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('Multiply price by quantity in total()');
    expect(text).toMatch(/change gate.*needs\s*team-lead.*risk\s*low.*\+\d+ −\d+ in \d+ files.*waiting/);
    await navigation.getByRole('link', { name: 'Approvals 1 waiting' }).waitFor();
    // The running list and the charts follow, honest about a day-old install: one week, too few points.
    await page.getByTestId('running-operations').getByText('Nothing runs right now.').waitFor();
    const charts = page.getByTestId('overview-charts');
    expect(await charts.getAttribute('data-days')).toBe('7');
    expect(await charts.getByTestId('chart-not-enough').count()).toBe(4);
    expect(await charts.getByTestId('chart-headline').first().textContent()).toBe('1operation in the last 7 days');
    expect(await page.getByTestId('recent-failures').textContent()).toMatch(/judged from 5 \(health warns above 30%\)/);
    const toggle = page.getByRole('button', { name: /^Theme:/ });
    const theme = await toggle.textContent();
    for (const wanted of ['Theme: light', 'Theme: dark']) {
      while ((await toggle.textContent()) !== wanted) await toggle.click();
      expect(await contrastOf(page.getByTestId('approvals-badge')), `badge, ${wanted}`).toBeGreaterThanOrEqual(4.5);
      expect(await contrastOf(row.locator('.lines-added')), `added lines, ${wanted}`).toBeGreaterThanOrEqual(4.5);
      expect(await contrastOf(row.locator('.lines-removed')), `removed lines, ${wanted}`).toBeGreaterThanOrEqual(4.5);
    }
    while ((await toggle.textContent()) !== theme) await toggle.click();
    await screenshot(page, '10a-overview-needs-you');

    // At a phone's width the rows wrap instead of scrolling sideways.
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, '10b-overview-needs-you-375', { fullPage: false });
    if (viewport) await page.setViewportSize(viewport);

    // Review is reachable by keyboard and opens the operation at its gate.
    const review = row.getByRole('link', { name: /^Review/ });
    await review.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Approve and merge' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/operations/${operationId}`);
    await signOut();
  });

  it('lets an admin approve from the page and shows the change merged', async () => {
    await signIn(people.admin);
    await openFromNavigation('Approvals');
    await page.locator(`[data-testid="approval-queue"] [data-operation-id="${operationId}"]`).getByRole('link').click();
    expect(await page.getByTestId('gate-rule').textContent()).toMatch(/policy rule autonomy-1-asks \(change gate, ask\)/);
    await page.getByLabel(/Comment/).fill('Looks right; the test covers quantities.');
    await page.getByRole('button', { name: 'Approve and merge' }).click();
    // Merging asks first, as rejecting does.
    await page.getByRole('dialog', { name: 'Approve and merge this change?' }).getByRole('button', { name: 'Approve and merge' }).click();
    await expect.poll(shownStatus, { timeout: 120_000 }).toBe('done');
    await expect.poll(() => page.getByTestId('approvals').textContent()).toMatch(/approved by ada/);
    expect(await page.getByTestId('links').textContent()).toMatch(/merged [0-9a-f]{10}/);
    expect(fs.readFileSync(path.join(pipeline.target.path, 'src/cart.ts'), 'utf8')).toBe(fixedCart);
    expect(await page.locator('[data-action="rollback"]').count()).toBe(1);
    // The live stream took the decided gate off the Approvals badge.
    await expect.poll(() => page.getByTestId('approvals-badge').count()).toBe(0);
    await screenshot(page, '11-merged');
  });

  it('pauses the agent from settings: it shows paused and no next step starts until resumed', async () => {
    await openFromNavigation('Settings');
    await page.getByTestId('kill-switch-state').waitFor();
    await screenshot(page, '12-settings');
    // The policy's rules, read-only, in file order.
    await page.getByTestId('policy-rules').locator('[data-rule-id="plan-gate-listed"]').waitFor();
    expect(await page.getByTestId('policy-source').textContent()).toBe('built-in');
    // Settings change together: a bar counts what is not saved, a wrong number is said in words
    // before anything is sent, and the confirmation lists each change; one request saves them.
    const attempts = page.locator('[data-setting="maxAttempts"]');
    const saveBar = page.getByTestId('save-bar');
    await page.getByLabel('Max Attempts').fill('0');
    await page.getByLabel('Max Steps').fill('30');
    expect(await saveBar.innerText()).toMatch(/2 changes not saved/);
    await saveBar.getByRole('button', { name: 'Save 2 changes' }).click();
    expect(await attempts.getByRole('alert').innerText()).toMatch(/Max Attempts is at least 1\./);
    expect(await page.getByRole('dialog').count()).toBe(0);
    await page.getByLabel('Max Attempts').fill('4');
    expect(await attempts.getByRole('alert').count()).toBe(0);
    await saveBar.getByRole('button', { name: 'Save 2 changes' }).click();
    const confirmSave = page.getByRole('dialog', { name: 'Save 2 changes?' });
    expect(await confirmSave.getByTestId('change-list').locator('li').allInnerTexts()).toEqual([
      expect.stringMatching(/^Max Attempts: \d+ → 4$/),
      expect.stringMatching(/^Max Steps: \d+ → 30$/),
    ]);
    await screenshot(page, '12-settings-confirm', { fullPage: false });
    await confirmSave.getByRole('button', { name: 'Save 2 changes' }).click();
    await page.getByText('2 settings saved (Max Attempts, Max Steps)').waitFor();
    expect(await saveBar.count()).toBe(0);
    await expect.poll(() => attempts.textContent()).toContain('from runtime');
    const editable = (await pipeline.mender.call('GET', '/api/settings')).json.editable as { key: string }[];
    expect(editable.find((setting) => setting.key === 'maxAttempts')).toMatchObject({ value: 4, source: 'runtime' });
    expect(editable.find((setting) => setting.key === 'maxSteps')).toMatchObject({ value: 30, source: 'runtime' });
    const [lastChange] = rowsOf<{ data: { changes: { key: string }[] } }>(
      await pipeline.mender.store.db.execute(sql`SELECT data FROM events WHERE type = 'settings.changed' ORDER BY sequence DESC LIMIT 1`),
    );
    expect(lastChange!.data.changes.map((change) => change.key).sort()).toEqual(['maxAttempts', 'maxSteps']);
    // Autonomy 3 straight from level 1: the policy refuses, naming its rule; an admin overrides with a reason.
    const autonomy = page.locator('[data-setting="autonomyLevel"]');
    await autonomy.getByRole('combobox').selectOption('3');
    await saveBar.getByRole('button', { name: 'Save 1 change' }).click();
    await page.getByRole('dialog', { name: 'Save 1 change?' }).getByRole('button', { name: 'Save 1 change' }).click();
    const override = page.getByTestId('autonomy-override');
    await expect.poll(() => override.textContent()).toContain('autonomy-3-from-level-2-only');
    await override.getByLabel(/why/).fill('browser test: the team ran level 2 elsewhere');
    await override.getByRole('button', { name: 'Override: set level 3' }).click();
    await page.getByText('Autonomy level 3 set by override').waitFor();
    const overridden = (await pipeline.mender.call('GET', '/api/audit?action=autonomy.overridden')).json;
    expect(JSON.stringify(overridden)).toContain('browser test: the team ran level 2 elsewhere');
    expect((await pipeline.mender.call('PATCH', '/api/settings', { autonomyLevel: 1 })).status).toBe(200);
    await page.getByRole('button', { name: 'Pause Mender' }).click();
    const dialog = page.getByRole('dialog', { name: 'Pause Mender?' });
    await dialog.getByLabel(/Reason/).fill('browser test: kill switch');
    await dialog.getByRole('button', { name: 'Pause now' }).click();
    await expect.poll(() => page.getByTestId('kill-switch-state').textContent()).toBe('paused');
    await page.getByTestId('paused-banner').waitFor();
    await screenshot(page, '13-settings-paused');

    // A new operation, started elsewhere, appears in the open list by itself and stays queued.
    await openFromNavigation('Operations');
    const plannerCallsBefore = pipeline.model.requests.filter((request) => request.role === 'planner').length;
    const started = await pipeline.mender.call('POST', '/api/operations', {
      type: 'fix',
      description: 'Discount above 100 % gives a negative total',
      repo: 'cart',
    });
    expect(started.status).toBe(201);
    const row = page.locator(`tr[data-operation-id="${started.json.id}"]`);
    await row.waitFor({ timeout: 15_000 });
    await page.waitForTimeout(2_500);
    expect(await row.locator('[data-status]').getAttribute('data-status')).toBe('queued');
    expect((await pipeline.mender.call('GET', `/api/operations/${started.json.id}`)).json.status).toBe('queued');
    expect(pipeline.model.requests.filter((request) => request.role === 'planner').length).toBe(plannerCallsBefore);
    await openFromNavigation('Overview');
    await expect.poll(() => page.getByTestId('agent-state').textContent()).toBe('paused');
    await screenshot(page, '14-overview-paused');

    // Resuming lets it go: the pause was what held it.
    await openFromNavigation('Settings');
    await page.getByRole('button', { name: 'Resume Mender' }).click();
    await page.getByRole('dialog', { name: 'Resume Mender?' }).getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => page.getByTestId('kill-switch-state').textContent()).toBe('running');
    await expect
      .poll(async () => (await pipeline.mender.call('GET', `/api/operations/${started.json.id}`)).json.status, { timeout: 60_000 })
      .not.toBe('queued');
    await pipeline.mender.call('POST', `/api/operations/${started.json.id}/cancel`, { comment: 'only here to show the pause' });
  });

  it('verifies the audit chain from the audit page, copies its anchor, filters it and exports what it shows', async () => {
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: proxy.url });
    await openFromNavigation('Audit log');
    await page.getByTestId('audit-table').waitFor();
    const sequences = async () => (await page.locator('[data-testid="audit-table"] td[data-label="#"]').allTextContents()).map(Number);
    const actions = () => page.locator('[data-testid="audit-table"] td[data-label="Action"]').allTextContents();
    // Newest first, without the many tool and model calls until asked for.
    const newestFirst = await sequences();
    expect(newestFirst).toEqual([...newestFirst].sort((left, right) => right - left));
    expect(await actions()).not.toContain('tool.called');
    await page.getByLabel('Tool and model calls').check();
    await expect.poll(actions).toContain('tool.called');
    await page.getByLabel('Order').selectOption('oldest');
    await expect.poll(async () => (await sequences())[0]).toBe(1);
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await expect.poll(() => page.getByTestId('verify-result').textContent()).toMatch(/The chain is intact: \d+ entries/);
    const anchor = await page.getByTestId('verify-result').locator('code').textContent();
    await page.getByRole('button', { name: 'Copy anchor' }).click();
    await page.getByTestId('verify-result').getByText('Copied', { exact: true }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(anchor);
    // The action picker offers the actions the log holds, with their counts.
    await page.getByLabel('Action').selectOption({
      label: (await page
        .getByLabel('Action')
        .locator('option', { hasText: /^operation\.created \(\d+\)$/ })
        .textContent())!,
    });
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(async () => [...new Set(await actions())]).toEqual(['operation.created']);
    const download = page.waitForEvent('download');
    await page.getByTestId('audit-export').click();
    const exported = fs
      .readFileSync((await (await download).path())!, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { action: string; sequence: number });
    expect(exported.map((entry) => entry.sequence)).toEqual(await sequences());
    expect(new Set(exported.map((entry) => entry.action))).toEqual(new Set(['operation.created']));
    await page.getByLabel('Action').selectOption('');
    await page.getByLabel('Actor').fill('ada');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(async () => [...new Set(await page.locator('[data-testid="audit-table"] td[data-label="Actor"]').allTextContents())]).toEqual(['ada']);
    await screenshot(page, '15-audit');
  });

  it('shows a lost live connection, reconnects by itself and catches up on what it missed', async () => {
    await openFromNavigation('Overview');
    await page.locator('[data-connection="live"]').waitFor();
    proxy.cut();
    try {
      await page.locator('[data-connection="reconnecting"]').waitFor({ timeout: 30_000 });
      await page.getByText(/The live connection to Mender was lost/).waitFor();
      await screenshot(page, '16-reconnecting');
      // Meanwhile the agent is paused elsewhere; the page learns it once the stream is back.
      expect((await pipeline.mender.call('POST', '/api/agent/pause', { reason: 'while the page was offline' })).status).toBe(200);
    } finally {
      proxy.restore();
    }
    await page.locator('[data-connection="live"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('agent-state').textContent(), { timeout: 15_000 }).toBe('paused');
    await page.getByTestId('paused-banner').filter({ hasText: 'while the page was offline' }).waitFor();
    expect((await pipeline.mender.call('POST', '/api/agent/resume')).status).toBe(200);
    await expect.poll(() => page.getByTestId('paused-banner').count(), { timeout: 15_000 }).toBe(0);
  });

  it('sends an expired session back to sign-in with the reason, and signing in again resumes', async () => {
    clockOffsetMs = 13 * 60 * 60_000; // past the default 12-hour session
    // The next thing the page asks the API is answered session_expired.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^Approvals/ })
      .click();
    await page.getByRole('heading', { name: 'Sign in to Mender' }).waitFor();
    await page.getByText('Your session expired; sign in again.').waitFor();
    await screenshot(page, '17-session-expired');
    await signIn(people.admin);
    await page.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor();
    await page.locator('[data-connection="live"]').waitFor({ timeout: 30_000 });
  });

  it('draws the charts once three days have operations, and a bar opens the operations list filtered by its outcome', async () => {
    // A third operation, and the three moved one day apart through the database (waiting days is no test).
    const third = await pipeline.mender.call('POST', '/api/operations', { type: 'fix', description: 'a third day for the charts', repo: 'cart' });
    expect(third.status, third.text).toBe(201);
    expect((await pipeline.mender.call('POST', `/api/operations/${third.json.id}/cancel`, {})).status).toBe(200);
    const all = (await pipeline.mender.call('GET', '/api/operations')).json.operations as { id: string }[];
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const [index, operation] of all.entries())
      await pipeline.mender.store.db.execute(
        sql`UPDATE operations SET created_at = created_at - make_interval(days => ${Math.min(index, 2)}) WHERE id = ${operation.id}`,
      );
    await openFromNavigation('Operations');
    await openFromNavigation('Overview');
    const outcomes = page.getByTestId('overview-charts').locator('figure').filter({ hasText: 'Operations per day by outcome' });
    await outcomes.locator('svg').waitFor();
    expect(await page.getByTestId('overview-charts').getAttribute('data-days')).toBe('7');
    expect(await outcomes.getByTestId('chart-headline').textContent()).toMatch(/^\d+operations in the last 7 days$/);
    // The merged bar leads to the done operations, the legend's Cancelled to the cancelled ones (by keyboard).
    await outcomes.locator('a.chart-bar-link[href="/operations?status=done"]').first().click();
    await page.getByRole('heading', { level: 1, name: 'Operations' }).waitFor();
    expect(new URL(page.url()).search).toBe('?status=done');
    await page.locator(`tr[data-operation-id="${operationId}"]`).waitFor();
    await openFromNavigation('Overview');
    const cancelled = outcomes.getByRole('link', { name: 'Cancelled', exact: true });
    await cancelled.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Operations' }).waitFor();
    expect(await page.getByLabel('Status').inputValue()).toBe('cancelled');
    await page.locator(`tr[data-operation-id="${third.json.id}"]`).waitFor();
  });

  it('works at a phone’s width, in the dark theme too, and the other pages have their places', async () => {
    await openFromNavigation('Issues');
    // Without the detection routes the page says so calmly; with them it lists (here: no) issues.
    await page.getByText(/Detection is not enabled|No detected issue matches/).waitFor();
    await screenshot(page, '18-issues');
    await openFromNavigation('Deployments');
    await page.getByText('Deployments are not configured yet.').waitFor();
    await screenshot(page, '19-deployments');

    // Keyboard: the first Tab reaches the skip link, with a visible focus ring; Enter moves into the page.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Menu' }).click();
    await openFromNavigation('Overview');
    await page.getByTestId('agent-state').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, '20-overview-390', { fullPage: false });
    await screenshot(page, '20-overview-390-full');
    await page.getByRole('button', { name: 'Menu' }).click();
    await openFromNavigation('Operations');
    await page.locator(`tr[data-operation-id="${operationId}"]`).getByRole('link').click();
    await page.getByTestId('timeline').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, '21-detail-390', { fullPage: false });
    await screenshot(page, '21-detail-390-full');

    await page.getByRole('button', { name: 'Menu' }).click();
    const toggle = page.getByRole('button', { name: /^Theme:/ });
    while ((await toggle.textContent()) !== 'Theme: dark') await toggle.click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.getByRole('button', { name: 'Menu' }).click();
    await screenshot(page, '22-detail-390-dark', { fullPage: false });

    // The page runs React's production build, even though the test runner (NODE_ENV=test) built it.
    const bundle = await page.evaluate(async () => (await fetch(document.querySelector<HTMLScriptElement>('script[type="module"]')!.src)).text());
    expect(bundle).not.toContain('jsxDEV');

    // No script error and no Content-Security-Policy violation in the whole session.
    expect(browser.problems.filter((problem) => !/Failed to load resource/.test(problem))).toEqual([]);
  });
});
