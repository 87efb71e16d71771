import path from 'node:path';

/**
 * Node arguments that make a benchmarked Mender write a V8 CPU profile when it exits (BENCH_PROFILE
 * names the folder; open the .cpuprofile in Chrome DevTools or summarise it with
 * `node bin/run-ts.mjs bench/support/profile-summary.ts <file>`). Empty when not asked for.
 */
export function profileArguments(): string[] {
  const folder = process.env.BENCH_PROFILE;
  return folder ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(folder)}`] : [];
}
