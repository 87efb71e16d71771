// An npm workspace with a real runner per package (mocha in core, vitest in app, which depends on
// core), run through the check runner as the pipeline runs it: the root's `npm test --workspaces`
// is followed into each package, and changed paths narrow it to the affected packages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCheckRunner, type TestRun } from '../../src/workspace/check-runner.ts';
import { createSampleProject, type SampleProject } from '../../src/workspace/test-report/sample-projects.ts';

const FIXTURE_FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'], scripts: { test: 'npm test --workspaces' } }),
  'packages/core/package.json': JSON.stringify({ name: '@fixture/core', version: '1.0.0', scripts: { test: 'mocha test/*.test.js' } }),
  'packages/core/index.js': 'exports.sum = (a, b) => a + b;\n',
  'packages/core/test/sum.test.js': [
    "const assert = require('node:assert/strict');",
    "const { sum } = require('../index.js');",
    "describe('sum', () => {",
    "  it('adds', () => assert.equal(sum(1, 1), 2));",
    "  it('adds negatives (broken on purpose)', () => assert.equal(sum(-1, -1), 2));",
    '});',
    '',
  ].join('\n'),
  'packages/app/package.json': JSON.stringify({
    name: '@fixture/app',
    type: 'module',
    dependencies: { '@fixture/core': '1.0.0' },
    scripts: { test: 'vitest run' },
  }),
  'packages/app/src/greet.js': 'export const greet = (name) => `hello ${name}`;\n',
  'packages/app/test/greet.test.js': [
    "import { expect, it } from 'vitest';",
    "import { greet } from '../src/greet.js';",
    "it('greets', () => expect(greet('ada')).toBe('hello ada'));",
    "it('shouts (broken on purpose)', () => expect(greet('ada')).toBe('HELLO ADA'));",
    '',
  ].join('\n'),
  // A package without tests, and a folder that is no package at all.
  'packages/docs/package.json': JSON.stringify({ name: '@fixture/docs', scripts: { build: 'echo docs' } }),
  'packages/notes/README.md': '# notes\n',
};

let project: SampleProject;
let scratch: string;

beforeAll(async () => {
  project = await createSampleProject(FIXTURE_FILES, { linkNodeModules: true });
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-workspaces-'));
});
afterAll(async () => {
  await project.remove();
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function runTests(changedPaths?: string[]): Promise<TestRun> {
  const runner = createCheckRunner({ timeoutMs: 120_000, outputLimitBytes: 1_000_000, scratchDir: scratch, sandbox: { mode: 'off' } });
  const run = await runner.runTests(
    project.root,
    { test: 'npm test' },
    new AbortController().signal,
    changedPaths === undefined ? undefined : { changedPaths },
  );
  if (run === undefined) throw new Error('no test command');
  return run;
}

const testIds = (run: TestRun): string[] => run.report.tests.map((test) => test.id).sort();

const CORE_TESTS = ['packages/core/test/sum.test.js::sum > adds', 'packages/core/test/sum.test.js::sum > adds negatives (broken on purpose)'];
const APP_TESTS = ['packages/app/test/greet.test.js::greets', 'packages/app/test/greet.test.js::shouts (broken on purpose)'];

describe('npm workspaces: each package with its own runner and scripts', () => {
  it('the baseline runs every package, dependencies first, with files relative to the repository root', async () => {
    const run = await runTests();
    expect(run.exitCode, run.output).not.toBe(0);
    expect(testIds(run)).toEqual([...APP_TESTS, ...CORE_TESTS].sort());
    expect(run.report.failures.map((failure) => failure.file).sort()).toEqual(['packages/app/test/greet.test.js', 'packages/core/test/sum.test.js']);
    expect(run.report.failures.find((failure) => failure.file.startsWith('packages/core'))?.line).toBe(5);
    expect(run.report.steps).toMatchObject([
      { runner: 'mocha', structured: true, scripts: ['test', '@fixture/core', 'test'], passed: 1, failed: 1 },
      { runner: 'vitest', structured: true, scripts: ['test', '@fixture/app', 'test'], passed: 1, failed: 1 },
      { runner: 'unknown', structured: false, scripts: ['test', '@fixture/docs'] },
    ]);
    expect(run.report.steps?.[2]?.fallbackReason).toContain('no test script');
  });

  it('a change in app runs only app', async () => {
    const run = await runTests(['packages/app/src/greet.js']);
    expect(testIds(run)).toEqual(APP_TESTS);
    expect(run.report.steps?.map((step) => step.runner)).toEqual(['vitest']);
  });

  it('a change in core runs core and app, which depends on it', async () => {
    const run = await runTests(['packages/core/index.js']);
    expect(testIds(run)).toEqual([...APP_TESTS, ...CORE_TESTS].sort());
    expect(run.report.steps?.map((step) => step.runner)).toEqual(['mocha', 'vitest']);
  });

  it('a change to a root file runs every package', async () => {
    const run = await runTests(['package-lock.json']);
    expect(run.report.steps?.map((step) => step.runner)).toEqual(['mocha', 'vitest', 'unknown']);
  });
});
