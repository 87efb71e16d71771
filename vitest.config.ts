import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default in `run` is one fork fewer than the CPUs: a single fork on the 2-core CI
    // machine. Most files wait on child processes (sandboxed test runs, git, servers), so two
    // forks share the two cores without running anything one at a time.
    maxWorkers: 2,
    // One migrated PGlite database for the run, copied by every test process (test/support/pglite-copies.ts).
    globalSetup: ['test/support/global-setup.ts'],
  },
});
