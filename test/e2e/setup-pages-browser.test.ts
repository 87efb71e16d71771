import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { browserAvailability, launchTestBrowser, type TestBrowser } from '../support/browser.ts';
import { screenshot } from '../support/browser-screenshots.ts';
import { seriousAxeViolations } from '../support/browser-axe.ts';
import { ensureWebBuild } from '../../scripts/web-build.ts';

// Setting Mender up from the dashboard (issue 19): a fresh Mender with no model, no repository and
// no project. The first admin registers the cart repository, sets a model, creates a project and
// copies its DSN, adds a viewer; the Overview's checklist ticks each step and then goes away; the
// viewer sees the lists but none of the controls. One Mender and one Chromium for the whole file.
const availability = browserAvailability();
if (!availability.available) console.warn(availability.notice);

const password = 'correct horse battery staple';
const admin = { name: 'ada', role: 'admin' } as const;
const viewer = { name: 'vic', role: 'viewer' } as const;

describe.skipIf(!availability.available)('setting Mender up from the dashboard', () => {
  let mender: MenderUnderTest;
  let target: TargetRepository;
  let browser: TestBrowser;
  let page: Page;
  let dsn = '';

  beforeAll(async () => {
    await ensureWebBuild();
    // No MENDER_MODEL: setting one is a step of the checklist.
    mender = await startMenderUnderTest();
    target = createTargetRepository();
    browser = await launchTestBrowser({ width: 1440, height: 900 });
    page = browser.page;
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: mender.url });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await mender?.close();
    target?.cleanup();
  });

  const step = (key: string) => page.locator(`[data-testid="setup-checklist"] [data-step="${key}"]`);
  /** The checklist's ticks as the Overview shows them once loaded. */
  async function checklistTicks(): Promise<Record<string, string | null>> {
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByTestId('setup-checklist').waitFor();
    const ticks: Record<string, string | null> = {};
    for (const key of ['repository', 'model', 'project']) ticks[key] = await step(key).getAttribute('data-done');
    return ticks;
  }
  const field = (label: string) => page.getByLabel(label, { exact: true });
  /** Opens a page from the navigation's "Set up" group. */
  async function openSetUp(name: 'Repositories' | 'Projects' | 'Users') {
    const navigation = page.getByRole('navigation', { name: 'Main' });
    await navigation.getByRole('button', { name: 'Set up' }).click();
    await navigation.getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    expect(await navigation.getByRole('button', { name: 'Set up' }).getAttribute('aria-expanded')).toBe('false');
  }

  it('shows the first admin a checklist of three steps, none done', async () => {
    const line = mender.logs.find((entry) => entry.includes('setupLink'));
    const setupLink = new URL(JSON.parse(line ?? '{}').setupLink as string);
    await page.goto(`${mender.url}${setupLink.pathname}${setupLink.search}`);
    await page.getByLabel('Admin name').fill(admin.name);
    await page.getByLabel(/^Password \(at least/).fill(password);
    await page.getByLabel('Password again').fill(password);
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await page.getByTestId('signed-in-user').filter({ hasText: 'ada (admin)' }).waitFor();
    await page.getByTestId('setup-checklist').waitFor();
    expect(await checklistTicks()).toEqual({ repository: 'false', model: 'false', project: 'false' });
    expect(await page.getByTestId('setup-checklist').textContent()).toContain('3 of 3 steps left');
    await screenshot(page, 'setup-overview-checklist-1440');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Set up' }).click();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
  });

  it('registers a repository from the page, saying in words what the API refused', async () => {
    await step('repository').getByRole('link', { name: 'Register a repository' }).click();
    await page.getByRole('heading', { name: 'Repositories', level: 1 }).waitFor();
    await page.getByText('No repository is registered yet.').waitFor();
    await screenshot(page, 'setup-repositories-empty-1440');

    await field('Path').fill(target.path);
    await field('Name').fill('my cart');
    await page.getByRole('button', { name: 'Add repository' }).click();
    await page.getByText('use 1–64 letters, digits, dot, dash or underscore').first().waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);

    await field('Name').fill('cart');
    await field('Path').fill(`${target.path}/missing`);
    await page.getByRole('button', { name: 'Add repository' }).click();
    await page.getByText(`${target.path}/missing is not a folder`).first().waitFor();

    await field('Path').fill(target.path);
    await page.getByRole('button', { name: 'Add repository' }).click();
    await page.getByText('is registered. Next:').waitFor();
    const card = page.locator('[data-repo="cart"]');
    expect(await card.locator('[data-command="Tests"]').textContent()).toBe('npm test');
    expect(await card.locator('[data-command="Type check"]').textContent()).toBe('none found');
    expect(await card.textContent()).toContain(target.path);
    expect((await mender.call('GET', '/api/repos')).json.repos.map((repo: { name: string }) => repo.name)).toEqual(['cart']);
    await screenshot(page, 'setup-repositories-1440');
    expect(await checklistTicks()).toEqual({ repository: 'true', model: 'false', project: 'false' });
  });

  it('ticks the model once one is set in Settings', async () => {
    await step('model').getByRole('link', { name: 'Set a model' }).click();
    const model = page.locator('[data-setting="model"]');
    await model.locator('input').fill('anthropic:claude-sonnet-4-5');
    await page.getByTestId('save-bar').getByRole('button', { name: 'Save 1 change' }).click();
    await page.getByRole('dialog', { name: 'Save 1 change?' }).getByRole('button', { name: 'Save 1 change' }).click();
    await page.getByText('Model saved').waitFor();
    expect(await checklistTicks()).toEqual({ repository: 'true', model: 'true', project: 'false' });
  });

  it('creates a project, copies its DSN with a visible confirmation, and the checklist goes away', async () => {
    await step('project').getByRole('link', { name: 'Create a project for error reports' }).click();
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    await page.getByText('No project exists yet.').waitFor();
    await screenshot(page, 'setup-projects-empty-1440');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await field('Project name').fill('cart app');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByText('use 1–64 letters, digits, dot, dash or underscore').first().waitFor();
    await field('Project name').fill('cart-app');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByText('cart-app is created').waitFor();

    const card = page.locator('[data-project="cart-app"]');
    dsn = (await card.getByTestId('project-dsn').textContent()) ?? '';
    // The API builds the DSN from the address it was asked at: the test's in-process call is "localhost".
    const [project] = (await mender.call('GET', '/api/projects')).json.projects as { id: number; publicKey: string; repo: string }[];
    expect(project?.repo).toBe('cart');
    expect(dsn).toBe(`http://${project?.publicKey}@${new URL(mender.url).host}/${project?.id}`);
    expect(await card.getByTestId('project-snippet').textContent()).toBe(`Sentry.init({ dsn: "${dsn}" })`);
    await card.getByRole('button', { name: 'Copy DSN' }).click();
    await card.getByText('Copied', { exact: true }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(dsn);
    await screenshot(page, 'setup-projects-1440');
    await card.getByRole('button', { name: 'Copy snippet' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`Sentry.init({ dsn: "${dsn}" })`);

    await page.getByRole('link', { name: 'Overview' }).click();
    await page.locator('.overview-lead').waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByTestId('setup-checklist').count()).toBe(0);
  });

  it('adds a viewer and changes a role from the Users page', async () => {
    await openSetUp('Users');
    // The admin behind MENDER_ADMIN_TOKEN has no password: it does not count as someone who signs in.
    await page.getByText('Nobody else can sign in yet.').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await field('Name').fill(viewer.name);
    await page.locator('main form select[name="role"]').selectOption('team-lead');
    await page.getByLabel(/^Password/).fill('too short');
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByText('use at least 12 characters').first().waitFor();
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByText('vic is added as a team-lead').waitFor();
    expect(await page.getByTestId('created-token').textContent()).toMatch(/^mnd_/);

    await page.getByLabel('Role of vic').selectOption('viewer');
    await page.getByRole('button', { name: 'Change role of vic' }).click();
    await page.getByText('vic is now a viewer.').waitFor();
    const users = (await mender.call('GET', '/api/users')).json.users as { name: string; role: string }[];
    expect(users.find((user) => user.name === 'vic')?.role).toBe('viewer');
    await screenshot(page, 'setup-users-1440');
  });

  it('fits a phone: each set-up page at 390×844 without scrolling sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const sideways: string[] = [];
    for (const [name, path, heading] of [
      ['repositories', '/repositories', 'Repositories'],
      ['projects', '/projects', 'Projects'],
      ['users', '/users', 'Users'],
    ] as const) {
      await page.goto(`${mender.url}${path}`);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await page.locator('.setup-list li, [data-testid="user-table"]').first().waitFor();
      if (await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1)) sideways.push(name);
      await screenshot(page, `setup-${name}-390`);
    }
    // On a phone the group opens in line inside the menu.
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('button', { name: 'Set up' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Repositories' }).waitFor();
    await screenshot(page, 'setup-navigation-390', { fullPage: false });
    expect(sideways).toEqual([]);
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('shows the viewer the repositories and projects but none of the set-up controls', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`${mender.url}/`);
    await page.getByRole('heading', { name: 'Sign in to Mender' }).waitFor();
    await page.getByLabel('Name').fill(viewer.name);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-user').filter({ hasText: 'vic (viewer)' }).waitFor();
    await page.locator('.overview-lead').waitFor();
    expect(await page.getByTestId('setup-checklist').count()).toBe(0);
    const navigation = page.getByRole('navigation', { name: 'Main' });
    await navigation.getByRole('button', { name: 'Set up' }).click();
    await navigation.getByRole('link', { name: 'Projects', exact: true }).waitFor();
    expect(await navigation.getByRole('link', { name: 'Users' }).count()).toBe(0);
    await page.keyboard.press('Escape');
    expect(await navigation.getByRole('link', { name: 'Projects', exact: true }).isVisible()).toBe(false);

    await openSetUp('Repositories');
    await page.locator('[data-repo="cart"]').waitFor();
    expect(await page.getByRole('button', { name: 'Add repository' }).count()).toBe(0);
    expect(await page.locator('main form').count()).toBe(0);
    await screenshot(page, 'setup-repositories-viewer-1440');

    await openSetUp('Projects');
    await page.locator('[data-project="cart-app"]').waitFor();
    expect(await page.getByTestId('project-dsn').textContent()).toBe(dsn);
    expect(await page.getByRole('button', { name: 'Create project' }).count()).toBe(0);
    expect(await page.locator('main form').count()).toBe(0);
    await screenshot(page, 'setup-projects-viewer-1440');

    await page.goto(`${mender.url}/users`);
    await page.getByText('Only admins add users and change roles.').waitFor();
    expect(await page.locator('main form, main select, main [data-testid="user-table"]').count()).toBe(0);
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'setup-users-viewer-390');
    expect(browser.problems.filter((problem) => !/Failed to load resource/.test(problem))).toEqual([]);
  });
});
