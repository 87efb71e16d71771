import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One migrated PGlite database for the run, copied by every test process (test/support/pglite-copies.ts).
    globalSetup: ['test/support/global-setup.ts'],
  },
});
