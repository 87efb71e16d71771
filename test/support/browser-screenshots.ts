import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/** Where the browser tests leave a PNG of each page for a person to look at (gitignored). */
export const screenshotDirectory = path.resolve(import.meta.dirname, '../../test-output/screenshots');

export function resetScreenshots(): void {
  fs.rmSync(screenshotDirectory, { recursive: true, force: true });
  fs.mkdirSync(screenshotDirectory, { recursive: true });
}

export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  const file = path.join(screenshotDirectory, `${name}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true, animations: 'disabled' });
  return file;
}
