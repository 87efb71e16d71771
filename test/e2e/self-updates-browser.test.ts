import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SelfState } from '../../src/domain/self-update-vocabulary.ts';
import { ensureWebBuild } from '../../scripts/web-build.ts';
import { browserAvailability, launchTestBrowser, type TestBrowser } from '../support/browser.ts';
import { createFakeSupervisor, stateOnProbation, type FakeSupervisor } from '../support/fake-supervisor.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';

// One Mender run by a hand-written supervisor port (the supervisor is another process), one Chromium:
// the agent card shows the version on probation, the Self-updates page its history, and follows it.
const availability = browserAvailability();
if (!availability.available) console.warn(availability.notice);

const password = 'correct horse battery staple';

describe.skipIf(!availability.available)('self-updates in a real browser', () => {
  let checkout: TargetRepository;
  let supervisor: FakeSupervisor;
  let mender: MenderUnderTest;
  let browser: TestBrowser;

  beforeAll(async () => {
    await ensureWebBuild();
    checkout = createTargetRepository();
    supervisor = createFakeSupervisor(checkout.path, stateOnProbation(checkout.path));
    mender = await startMenderUnderTest({}, { supervisor });
    expect((await mender.call('POST', '/api/users', { name: 'ada', role: 'admin', password })).status).toBe(201);
    browser = await launchTestBrowser();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await mender?.close();
    checkout?.cleanup();
  });

  it('shows the running version and its probation on the agent card, and the history on the Self-updates page, kept current', async () => {
    const { page } = browser;
    await page.goto(mender.url);
    await page.getByRole('heading', { name: 'Sign in to Mender' }).waitFor();
    await page.getByLabel('Name').fill('ada');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    const card = page.getByTestId('agent-status');
    await expect.poll(() => card.getByTestId('self-version').textContent()).toBe('3333333333 from slot b');
    expect(await card.getByTestId('self-update').textContent()).toContain('on probation to 3333333333');
    expect(await card.getByTestId('probation').textContent()).toContain('no operation step completed yet');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Self-updates', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Self-updates' }).waitFor();
    const reverted = page.locator('[data-self-update-id="su-2"]');
    await reverted.waitFor();
    expect(await reverted.textContent()).toContain('health failing /health answered 503 for 30 s');
    expect(await reverted.getByRole('link').getAttribute('href')).toBe('/operations/op-reverted');
    expect(await page.locator('[data-self-update-id="su-1"] [data-self-phase]').textContent()).toBe('blessed');

    // The supervisor blesses the version on trial: the page follows within its refresh while one is in flight.
    const probation = stateOnProbation(checkout.path);
    const blessed: SelfState = {
      ...probation,
      current: undefined,
      history: [{ ...probation.current!, phase: 'blessed', finishedAt: '2026-12-03T12:06:00.000Z' }, ...probation.history],
    };
    supervisor.publish(blessed);
    await page.getByTestId('self-current').getByText('No update in flight.').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-self-update-id="su-3"] [data-self-phase]').textContent()).toBe('blessed');
    // The sign-in page's session check answers 401 before signing in: the only failed load allowed.
    expect(browser.problems.filter((problem) => !/Failed to load resource/.test(problem))).toEqual([]);
  });
});
