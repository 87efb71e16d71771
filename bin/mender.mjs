#!/usr/bin/env node
// The `mender` command. It runs dist/ (the server compiled by `npm run build:server`, which
// `npm start` runs when needed) while that matches src/, and src/ through tsx otherwise, so a
// checkout works without a build step. MENDER_RUN_FROM_SOURCE=1 always runs src/.
import { compiledBuildStaleness } from './compiled-build.mjs';

if (process.env.MENDER_RUN_FROM_SOURCE !== '1' && compiledBuildStaleness() === undefined) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
