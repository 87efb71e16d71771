import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { compiledBuildStaleness } from '../../bin/compiled-build.mjs';

/**
 * Builds dist/ when it is stale, as `npm start` does, so the benchmarked Mender runs what users
 * run; says which one runs (BENCH_FROM_SOURCE=1 measures src/ through tsx instead).
 */
export function prepareMenderRuntime(): { env: Record<string, string>; runtime: string } {
  if (process.env.BENCH_FROM_SOURCE === '1') return { env: { MENDER_RUN_FROM_SOURCE: '1' }, runtime: 'src/ through tsx' };
  execFileSync(process.execPath, [path.resolve(import.meta.dirname, '../../bin/run-ts.mjs'), 'scripts/build-server.ts', '--if-stale'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    stdio: 'inherit',
  });
  const staleness = compiledBuildStaleness();
  return staleness ? { env: {}, runtime: `src/ through tsx (${staleness})` } : { env: {}, runtime: 'compiled dist/' };
}
