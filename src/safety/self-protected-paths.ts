/**
 * In Mender's own repository (self-maintenance, issue 17), what judges a new version must be out
 * of the agent's reach: the supervisor that starts, watches and reverts versions; the commands it
 * runs to prepare one (bin/, scripts/, the package manifest); the policy; and the tests of record
 * (`test/`, the suite's configuration, CI) that decide whether a change is green. No tool may
 * change these paths, and a change that touches them is refused by the change gate; the
 * supervisor also refuses to start a version whose protected files differ from the running one's
 * unless an admin asked for it by hand. Tests the agent writes beside the code (`src/**\/*.test.ts`)
 * are its own, as in any repository.
 */
export const selfProtectedPaths: readonly string[] = [
  'src/supervisor/**',
  'src/safety/self-protected-paths.ts',
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
