import fs from 'node:fs';
import path from 'node:path';
import { globToRegularExpression } from './path-policy.ts';

/**
 * In Mender's own repository (self-maintenance, issue 17), what judges a new version must be out
 * of the agent's reach: the supervisor that starts, watches and reverts versions; the commands it
 * runs to prepare one (bin/, scripts/, the package manifest); the policy; and the tests of record
 * (`test/`, the suite's configuration, CI) that decide whether a change is green. No tool may
 * change these paths, and a change that touches them is refused by the change gate; the
 * supervisor also refuses to start a version whose protected files differ from the running one's
 * unless an admin asked for it by hand. Tests the agent writes beside the code (`src/**\/*.test.ts`)
 * are its own, as in any repository.
 *
 * The files that build the fence are on the list too (this file, the tools' guard, the change
 * gate's floor and who may approve): otherwise one change could take the fence down and the next
 * walk through it. The places that wire them in (execute-step, review-step, pipeline.ts) change
 * too often to list; a change that unwires them fails the tests of record
 * (`test/e2e/self-protection.test.ts`).
 */
export const selfProtectedPaths: readonly string[] = [
  'src/supervisor/**',
  'src/safety/self-protected-paths.ts',
  'src/safety/approval-authority.ts',
  'src/tools/protected-path-guard.ts',
  'src/pipeline/self-protection.ts',
  'src/pipeline/change-gate.ts',
  'src/policy/default-policy.yaml',
  'bin/**',
  'scripts/**',
  'test/**',
  'vitest.config.ts',
  '.ci/**',
  'package.json',
  'package-lock.json',
  'tsconfig*.json',
  'mender.config.json',
  'mender.policy.yaml',
  '.mender/**',
];

/**
 * Matches checkout-relative paths (forward slashes) against the self-protected paths and the
 * exact files in `files` (the policy file in force when it lies in the checkout); returns what
 * matched. Case-insensitive, as the protected paths are, so a case-folding file system gives no way round.
 */
export function createSelfProtectedPathMatcher(files: readonly string[] = []): (relativePath: string) => string | undefined {
  const compiled = selfProtectedPaths.map((pattern) => ({ pattern, expression: globToRegularExpression(pattern) }));
  const exact = files.map((file) => ({ file, lower: file.toLowerCase() }));
  return (relativePath) => {
    const normalized = path.posix.normalize(relativePath.replace(/\\/g, '/')).replace(/^(\.\/)+/, '');
    const lower = normalized.toLowerCase();
    const file = exact.find((candidate) => candidate.lower === lower)?.file;
    if (file !== undefined) return `${file}, the policy file in force`;
    return compiled.find(({ expression }) => expression.test(normalized))?.pattern;
  };
}

/**
 * The policy file's path relative to the checkout, when the file (followed through links) lies
 * inside it; undefined for a policy file elsewhere or none. A file that does not exist yet is
 * placed by its folder.
 */
export function policyFileInCheckout(policyFile: string | undefined, checkout: string): string | undefined {
  if (!policyFile) return undefined;
  const real = (target: string): string => {
    try {
      return fs.realpathSync.native(target);
    } catch {
      const parent = path.dirname(target);
      return parent === target ? target : path.join(real(parent), path.basename(target));
    }
  };
  const relative = path.relative(real(checkout), real(path.resolve(policyFile)));
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}
