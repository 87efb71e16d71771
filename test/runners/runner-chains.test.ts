// Real runners (devDependencies of Mender's test setup) on small projects built here, run through
// the check runner as the pipeline runs them: each case names the failing test and checks the
// totals against the runner's own summary line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { createCheckRunner, type TestRun } from '../../src/workspace/check-runner.ts';
import { createSampleProject, type SampleProject } from '../../src/workspace/test-report/sample-projects.ts';
import { linkNodeModulesForTap21 } from '../../src/workspace/test-report/tap21-node-modules.ts';
import { detectSandbox } from '../../src/workspace/sandbox.ts';

const sandboxDetection = await detectSandbox();

const MOCHA_TEST = [
  "import assert from 'node:assert/strict';",
  "describe('math', () => {",
  "  it('adds', () => assert.equal(1 + 1, 2));",
  "  it('divides', () => assert.equal(1 / 1, 2));",
  '});',
  '',
].join('\n');
const TAPE_TEST = [
  "import test from 'tape';",
  "test('adds', (t) => { t.equal(1 + 1, 2); t.end(); });",
  "test('divides', (t) => { t.equal(1 / 1, 2, 'one over one is two'); t.end(); });",
  '',
].join('\n');
const AVA_TEST = [
  "import test from 'ava';",
  "test('adds', (t) => { t.is(1 + 1, 2); });",
  "test('divides', (t) => { t.is(1 / 1, 2, 'one over one is two'); });",
  '',
].join('\n');
// The second file expects another zone than its script gives it, so it fails.
const JEST_TEST = (name: string, zone: string): string => `test('${name} knows its zone', () => {\n  expect(process.env.TZ).toBe('${zone}');\n});\n`;

const FIXTURE_FILES: Record<string, string> = {
  'package.json': JSON.stringify({
    name: 'fixture',
    version: '1.0.0',
    type: 'module',
    // Read by Mender to tell a `node test/x.js` that runs uvu from any other node script.
    devDependencies: { uvu: '^0.5.6' },
    scripts: {
      // The shape from issue 13: a TypeScript build in pretest, c8 around mocha, a glob.
      pretest: 'tsc -p tsconfig.json',
      test: 'c8 --reporter=text-summary mocha test/*.mjs',
      'test:unit': 'tape test/tape/*.js',
      'test:tape-piped': 'tape test/tape/*.js | cat',
      'test:ava': 'ava test/ava/*.js',
      // jest twice with different TZ in a chain: both must be read, not only the last.
      'test:zones': 'TZ=UTC jest --rootDir test/jest utc && cross-env TZ=Asia/Tokyo jest --rootDir test/jest tokyo',
      'test:all': 'run-s test:unit test:zones',
      'test:lifecycle': 'node -e "process.stdout.write(process.env.npm_lifecycle_event)" && npm run test:unit',
      'test:e2e': 'playwright test e2e/',
      'test:workspace': 'npm run test:unit --workspace other',
      'test:jasmine': 'jasmine',
      'test:uvu': 'uvu test/uvu',
      'test:uvu-node': 'node test/uvu/plain.js',
    },
  }),
  'tsconfig.json': JSON.stringify({
    compilerOptions: { outDir: 'dist', module: 'nodenext', lib: ['es2020'], types: [], skipLibCheck: true },
    files: ['src/index.ts'],
  }),
  'src/index.ts': 'export const one: number = 1;\n',
  'test/math.test.mjs': MOCHA_TEST,
  'test/tape/math.test.js': TAPE_TEST,
  'test/ava/math.test.js': AVA_TEST,
  // Playwright Test without a browser: no page fixture, so nothing needs downloading.
  'e2e/math.spec.js': [
    "import { test, expect } from '@playwright/test';",
    "test.describe('math', () => {",
    "  test('adds', () => { expect(1 + 1).toBe(2); });",
    "  test('divides', () => { expect(1 / 1).toBe(2); });",
    '});',
    '',
  ].join('\n'),
  'spec/support/jasmine.json': JSON.stringify({ spec_dir: 'spec', spec_files: ['**/*.spec.js'], random: false }),
  'spec/math.spec.js': [
    "describe('math', () => {",
    "  it('adds', () => { expect(1 + 1).toBe(2); });",
    "  describe('nested', () => {",
    "    it('divides', () => { expect(1 / 1).toBe(2); });",
    '  });',
    "  xit('is not ready', () => {});",
    "  afterAll(() => { throw new Error('cleanup broke'); });",
    '});',
    '',
  ].join('\n'),
  'test/uvu/math.js': [
    "import { suite } from 'uvu';",
    "import * as assert from 'uvu/assert';",
    "const math = suite('math');",
    "math('adds', () => { assert.is(1 + 1, 2); });",
    "math('divides', () => { assert.is(1 / 1, 2, 'one over one is two'); });",
    "math.skip('is skipped', () => {});",
    "math('throws', () => { throw new Error('boom'); });",
    'math.run();',
    '',
  ].join('\n'),
  'test/uvu/plain.js': [
    "import { test } from 'uvu';",
    "import * as assert from 'uvu/assert';",
    "test('equal objects', () => { assert.equal({ a: 1, b: [1, 2] }, { a: 1, b: [1, 3] }); });",
    "test('passes', () => {});",
    'test.run();',
    '',
  ].join('\n'),
  'test/jest/utc.test.cjs': JEST_TEST('utc', 'UTC'),
  'test/jest/tokyo.test.cjs': JEST_TEST('tokyo', 'Europe/Paris'),
};

let project: SampleProject;
let scratch: string;

beforeAll(async () => {
  project = await createSampleProject(FIXTURE_FILES, { linkNodeModules: true });
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-runner-chains-'));
});
afterAll(async () => {
  await project.remove();
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function runTests(command: string, mode: 'off' | 'bubblewrap' = 'off', root = project.root): Promise<TestRun> {
  const runner = createCheckRunner({ timeoutMs: 120_000, outputLimitBytes: 1_000_000, scratchDir: scratch, sandbox: { mode } });
  const run = await runner.runTests(root, { test: command }, new AbortController().signal);
  if (run === undefined) throw new Error('no test command');
  return run;
}

describe('test commands expanded into steps, each with its own report', () => {
  it('c8 mocha with a TypeScript pretest build: the pretest runs, mocha reports the failing test', async () => {
    const run = await runTests('npm test');
    expect(run.exitCode, run.output).toBe(1);
    expect(fs.existsSync(path.join(project.root, 'dist/index.js'))).toBe(true);
    expect(run.report).toMatchObject({ runner: 'mocha', structured: true, passed: 1, failed: 1 });
    expect(run.report.failures.map((failure) => failure.id)).toEqual(['test/math.test.mjs::math > divides']);
    expect(run.report.steps).toMatchObject([{ runner: 'mocha', structured: true, scripts: ['test'] }]);
    // c8 still reports coverage: Mender's options reached mocha, not c8.
    expect(run.output).toContain('Statements');
  });

  it("tape behind npm run test:unit: TAP on stdout is read, totals are tape's own", async () => {
    const run = await runTests('npm run test:unit');
    expect(run.exitCode).toBe(1);
    expect(run.output).toMatch(/# tests\s+2\n# pass\s+1\n# fail\s+1/);
    expect(run.report).toMatchObject({ runner: 'tape', structured: true, passed: 1, failed: 1 });
    const [failure] = run.report.failures;
    expect(failure).toMatchObject({ file: 'test/tape/math.test.js', name: 'divides > one over one is two', line: 3 });
  });

  it('an unchanged suite gives the same test names on a second run (the baseline comparison)', async () => {
    const first = await runTests('npm run test:unit');
    const second = await runTests('npm run test:unit');
    expect(second.report.tests.map((test) => test.id)).toEqual(first.report.tests.map((test) => test.id));
    expect(first.report.tests).toHaveLength(2);
  });

  it.skipIf(!sandboxDetection.available)('reads the same chain inside the bubblewrap sandbox', async () => {
    const run = await runTests('npm run test:zones', 'bubblewrap');
    expect(run.report.steps?.map((step) => [step.runner, step.structured, step.failed])).toEqual([
      ['jest', true, 0],
      ['jest', true, 1],
    ]);
  });

  it('tape piped into a formatter keeps the pipe and is still read', async () => {
    const run = await runTests('npm run test:tape-piped');
    expect(run.report).toMatchObject({ runner: 'tape', structured: true, passed: 1, failed: 1 });
  });

  it('ava --tap: names the failing test and its message', async () => {
    const run = await runTests('npm run test:ava');
    expect(run.exitCode).toBe(1);
    expect(run.report).toMatchObject({ runner: 'ava', structured: true, passed: 1, failed: 1 });
    expect(run.report.failures[0]?.name).toBe('divides');
    expect(run.report.failures[0]?.message).toContain('one over one is two');
  });

  it('Playwright Test: its JSON reporter names the failing test with its describe, file and line', async () => {
    const run = await runTests('npm run test:e2e');
    expect(run.exitCode).toBe(1);
    expect(run.output).toMatch(/1 failed[\s\S]*1 passed/);
    expect(run.report).toMatchObject({ runner: 'playwright', structured: true, passed: 1, failed: 1 });
    expect(run.report.failures[0]).toMatchObject({ id: 'e2e/math.spec.js::math > divides', line: 4 });
    expect(run.report.failures[0]?.message).toContain('toBe');
  });

  it("jasmine: its console output stays, failures carry describe > it, file, line; totals are jasmine's", async () => {
    const run = await runTests('npm run test:jasmine');
    expect(run.exitCode).toBe(3);
    // jasmine's own summary: an afterAll error counts as a failure, xit as pending.
    expect(run.output).toContain('3 specs, 2 failures, 1 pending spec');
    expect(run.report).toMatchObject({ runner: 'jasmine', structured: true, passed: 1, failed: 2, skipped: 1 });
    expect(run.report.steps).toMatchObject([{ runner: 'jasmine', structured: true, scripts: ['test:jasmine'] }]);
    expect(run.report.failures).toMatchObject([
      { id: 'spec/math.spec.js::math > nested > divides', line: 4, message: expect.stringContaining('Expected 1 to be 2.') },
      { id: 'spec/math.spec.js::math > (suite failed)', line: 7, message: expect.stringContaining('cleanup broke') },
    ]);
  });

  it('uvu CLI: its console summary is read; failures are suite > test with file, line and message', async () => {
    const run = await runTests('npm run test:uvu');
    expect(run.exitCode).toBe(1);
    expect(run.output).toMatch(/Total:\s+5[\s\S]*Passed:\s+2[\s\S]*Skipped:\s+1/);
    expect(run.report).toMatchObject({ runner: 'uvu', structured: true, passed: 2, failed: 3, skipped: 1 });
    expect(run.report.steps).toMatchObject([{ runner: 'uvu', structured: true, scripts: ['test:uvu'] }]);
    expect(run.report.failures).toMatchObject([
      { id: 'test/uvu/math.js::math > divides', line: 5, message: expect.stringContaining('one over one is two') },
      { id: 'test/uvu/math.js::math > throws', line: 7, message: expect.stringContaining('boom') },
      { id: 'test/uvu/plain.js::equal objects', line: 3, message: expect.stringContaining('Expected values to be deeply equal') },
    ]);
  });

  it('uvu run by node on one file (uvu is a devDependency): read the same way', async () => {
    const run = await runTests('npm run test:uvu-node');
    expect(run.exitCode).toBe(1);
    expect(run.report).toMatchObject({ runner: 'uvu', structured: true, passed: 1, failed: 1, skipped: 0 });
    expect(run.report.failures.map((failure) => failure.id)).toEqual(['test/uvu/plain.js::equal objects']);
  });

  it('run-s over tape and a && chain of two jest runs with different TZ: every runner gets its report', async () => {
    const run = await runTests('npm run test:all');
    // run-s stops at the first failing script (tape's), as it does for maintainers: the jest steps
    // never ran, and their steps say so.
    expect(run.report.steps?.[1]?.fallbackReason).toContain('wrote no report');
    expect(run.report.steps?.map((step) => step.runner)).toEqual(['tape', 'jest', 'jest']);
    expect(run.report.steps?.map((step) => step.scripts.join(' > '))).toEqual(['test:all > test:unit', 'test:all > test:zones', 'test:all > test:zones']);
    const zones = await runTests('npm run test:zones');
    expect(zones.report.steps).toMatchObject([
      { runner: 'jest', structured: true, passed: 1, failed: 0 },
      { runner: 'jest', structured: true, passed: 0, failed: 1 },
    ]);
    expect(zones.report.failures.map((failure) => failure.id)).toEqual(['test/jest/tokyo.test.cjs::tokyo knows its zone']);
  });

  it("sets npm's lifecycle variables for each script it runs itself", async () => {
    const run = await runTests('npm run test:lifecycle');
    expect(run.output).toContain('test:lifecycle');
    expect(run.report).toMatchObject({ runner: 'tape', passed: 1, failed: 1 });
  });

  it('a step it cannot follow is read from the exit code, and the evidence says which step and why', async () => {
    const run = await runTests('npm run test:workspace');
    expect(run.exitCode).not.toBe(0);
    expect(run.report.structured).toBe(false);
    expect(run.report.steps).toMatchObject([{ runner: 'unknown', structured: false, fallbackReason: "runs another package's scripts (--workspace)" }]);
    expect(run.report.failures[0]?.message).toContain('npm run test:unit --workspace other');
  });
});

// tap 21 gets a project of its own: its node_modules must resolve React as a tap 21 install does.
const TAP21_FILES: Record<string, string> = {
  'package.json': JSON.stringify({
    name: 'tap21-fixture',
    version: '1.0.0',
    type: 'module',
    scripts: { prepare: 'tsc -p tsconfig.json', pretest: 'npm run prepare', test: 'tap' },
  }),
  'tsconfig.json': FIXTURE_FILES['tsconfig.json'] ?? '',
  'src/index.ts': 'export const one: number = 1;\n',
  'test/math.test.js': [
    "import t from 'tap';",
    "import { one } from '../dist/index.js';",
    "t.test('math', async (t) => {",
    "  t.test('adds', async (t) => { t.equal(one + one, 2); });",
    "  t.test('divides', async (t) => { t.equal(one / one, 2, 'one over one is two'); });",
    '});',
    '',
  ].join('\n'),
};

describe('tap 21', () => {
  let tapProject: SampleProject;
  beforeAll(async () => {
    tapProject = await createSampleProject(TAP21_FILES);
    await linkNodeModulesForTap21(tapProject.root);
  });
  afterAll(() => tapProject.remove());

  it('npm test with a pretest build through npm run prepare: names the failing subtest with its parents, file and line', async () => {
    const run = await runTests('npm test', 'off', tapProject.root);
    expect(run.exitCode, run.output).toBe(1);
    expect(fs.existsSync(path.join(tapProject.root, 'dist/index.js'))).toBe(true);
    // tap's own summary line, printed with the TAP.
    expect(run.output).toContain('# { total: 2, pass: 1, fail: 1 }');
    expect(run.report).toMatchObject({ runner: 'tap', structured: true, passed: 1, failed: 1, skipped: 0 });
    expect(run.report.steps).toMatchObject([{ runner: 'tap', structured: true, scripts: ['test'] }]);
    expect(run.report.failures).toHaveLength(1);
    expect(run.report.failures[0]).toMatchObject({ id: 'test/math.test.js::math > divides > one over one is two', line: 5 });
    expect(run.report.failures[0]?.message).toContain('+1');
  });
});
