import fs from 'node:fs';
import path from 'node:path';

const projectRoot = path.resolve(import.meta.dirname, '../..');

/** How a benchmark starts Mender: as users do, through bin/mender (Node with the flags in bin/node-options). */
export const menderLauncher = path.join(projectRoot, 'bin', 'mender');

/**
 * Environment for bin/mender that also makes Mender write a V8 CPU profile when it exits
 * (BENCH_PROFILE names the folder; open the .cpuprofile in Chrome DevTools or summarise it with
 * `node bin/run-ts.mjs bench/support/profile-summary.ts <file>`). Empty when not asked for.
 */
export function profileEnvironment(): Record<string, string> {
  const folder = process.env.BENCH_PROFILE;
  if (!folder) return {};
  const flags = fs.readFileSync(path.join(projectRoot, 'bin', 'node-options'), 'utf8').trim();
  return { MENDER_NODE_OPTIONS: `${flags} --cpu-prof --cpu-prof-dir=${path.resolve(folder)}` };
}
