import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium: the browser tests drive it, never a downloaded one. */
export const chromiumPath = '/usr/bin/chromium';

export const chromiumArguments = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether the browser suite can run: it skips with one line when Chromium is missing, and fails
 * instead under CI=true, where a missing browser is a broken runner rather than a choice.
 */
export function browserAvailability(): { available: boolean; notice?: string } {
  if (fs.existsSync(chromiumPath)) return { available: true };
  const notice = `${chromiumPath} is missing: the dashboard browser tests are skipped (apt-get install chromium to run them)`;
  if (process.env.CI === 'true') throw new Error(`${notice}; under CI=true this is a failure`);
  return { available: false, notice };
}

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Page errors and console errors seen so far (a CSP violation shows up here too). */
  problems: string[];
  close(): Promise<void>;
}

/** Chromium with a fresh profile folder, removed on close. */
export async function launchTestBrowser(viewport = { width: 1280, height: 900 }): Promise<TestBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-chromium-'));
  // launchPersistentContext is how Playwright takes a --user-data-dir of our choosing.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArguments,
    viewport,
    timeout: 60_000,
  });
  // A loaded CI machine (the whole suite on 2 cores) is slower than a developer's: wait longer before failing.
  context.setDefaultTimeout(60_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  return {
    context,
    page,
    problems,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
