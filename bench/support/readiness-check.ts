/**
 * "Ready to run tests", checked the same way (and at the same cost) at the end of the Mender path
 * and of the clone + install path. Three strengths of check, because their fixed cost (node
 * start-ups) is large next to a worktree and moves the speed-up ratio a lot:
 *  - resolve: every devDependency resolves from the folder (one node process);
 *  - vitest: node_modules/.bin/vitest --version starts vitest there;
 *  - npx: npx --no-install vitest --version, as a user would type it (npm's own start-up on top).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export type ReadinessCheck = 'resolve' | 'vitest' | 'npx';

// A missing package is an error; ERR_PACKAGE_PATH_NOT_EXPORTED means the package was found.
const resolveScript = `
const { createRequire } = require('node:module');
const requireHere = createRequire(require('node:path').join(process.cwd(), 'package.json'));
for (const name of JSON.parse(process.argv[1])) {
  try { requireHere.resolve(name + '/package.json'); } catch (error) { if (error.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error; }
}`;

function runCheck(folder: string, program: string, args: string[], env: NodeJS.ProcessEnv): string {
  try {
    return execFileSync(program, args, { cwd: folder, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${folder} is not ready to run tests: ${failure.message}\n${failure.stdout ?? ''}${failure.stderr ?? ''}`, { cause: error });
  }
}

/** Runs one check in the folder; throws, with the command's output, when the folder is not ready. Returns the output. */
export function checkReady(check: ReadinessCheck, folder: string, packageNames: readonly string[], env: NodeJS.ProcessEnv): string {
  if (check === 'resolve') return runCheck(folder, process.execPath, ['-e', resolveScript, JSON.stringify(packageNames)], env);
  if (check === 'vitest') return runCheck(folder, path.join(folder, 'node_modules', '.bin', 'vitest'), ['--version'], env);
  return runCheck(folder, 'npx', ['--no-install', 'vitest', '--version'], env);
}
