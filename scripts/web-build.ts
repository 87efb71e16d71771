import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { newestModification } from '../bin/compiled-build.mjs';
import { defaultDashboardDirectory } from '../src/server/dashboard-assets.ts';

/** The dashboard's sources (web/) and its build (web/dist). */
export const webRoot = path.resolve(import.meta.dirname, '../web');
export const webDist = defaultDashboardDirectory;

const sourceEntries = ['src', 'public', 'index.html', 'vite.config.ts', 'tsconfig.json'];

/** Why the build must be (re)made, or undefined when web/dist is newer than every source. */
export function webBuildStaleness(): string | undefined {
  const index = path.join(webDist, 'index.html');
  if (!fs.existsSync(index)) return 'web/dist is missing';
  const built = fs.statSync(index).mtimeMs;
  const newest = Math.max(...sourceEntries.map((entry) => newestModification(path.join(webRoot, entry))));
  return newest > built ? 'web/src changed since the last build' : undefined;
}

/** Builds web/ into web/dist with Vite. */
export async function buildWeb(): Promise<void> {
  const { build } = await import('vite');
  // Vite builds React's development bundle unless NODE_ENV is production, and a test runner that
  // asks for the build has NODE_ENV=test: the served dashboard must be the production one.
  const inherited = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: webRoot, configFile: path.join(webRoot, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
  } finally {
    if (inherited === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = inherited;
  }
}

/** Builds the dashboard when web/dist is missing or older than its sources; says what it did. */
export async function ensureWebBuild(): Promise<{ built: boolean; reason?: string }> {
  const reason = webBuildStaleness();
  if (!reason) return { built: false };
  await buildWeb();
  return { built: true, reason };
}

/** What a first visit downloads of the dashboard's scripts: every JS file of the build, raw and gzipped. */
export interface PageWeight {
  files: number;
  jsBytes: number;
  jsGzipBytes: number;
}

/** The budget for the dashboard's gzipped JS (issue 19): a phone on a slow line still opens it quickly. */
export const pageWeightBudgetBytes = 150 * 1024;

export function measurePageWeight(): PageWeight {
  const assets = path.join(webDist, 'assets');
  const scripts = fs.readdirSync(assets).filter((name) => name.endsWith('.js'));
  let jsBytes = 0;
  let jsGzipBytes = 0;
  for (const name of scripts) {
    const content = fs.readFileSync(path.join(assets, name));
    jsBytes += content.length;
    jsGzipBytes += zlib.gzipSync(content, { level: 9 }).length;
  }
  return { files: scripts.length, jsBytes, jsGzipBytes };
}

export function describePageWeight(weight: PageWeight): string {
  const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  return `page weight: ${weight.files} JS file(s), ${kilobytes(weight.jsBytes)} raw, ${kilobytes(weight.jsGzipBytes)} gzipped (budget ${kilobytes(pageWeightBudgetBytes)})`;
}
