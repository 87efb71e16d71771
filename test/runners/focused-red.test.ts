// The check runner's red run on the changed test files alone, with real runners on a small
// project: the runners get only those files, the build before them still runs, checks and
// everything after the last runner are left out; and a command whose added reporter options
// reach no runner is run again unchanged.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckRunner } from '../../src/workspace/check-runner.ts';
import { createSampleProject, type SampleProject } from '../../src/workspace/test-report/sample-projects.ts';
import { stepFilesOf } from '../../src/workspace/test-report/test-file-owners.ts';

const passingMocha = "import assert from 'node:assert/strict';\ndescribe('old', () => { it('works', () => assert.equal(1, 1)); });\n";
const failingMocha =
  "import assert from 'node:assert/strict';\nimport { one } from '../dist/index.js';\ndescribe('new', () => { it('needs two', () => assert.equal(one, 2, 'one is not two')); });\n";
const FILES: Record<string, string> = {
  'package.json': JSON.stringify({
    name: 'focused',
    version: '1.0.0',
    type: 'module',
    scripts: {
      pretest: 'tsc -p tsconfig.json',
      test: "node -e \"require('fs').appendFileSync('ran.log', 'lint\\n')\" && c8 --reporter=text-summary mocha test/*.mjs && npm run test:zones",
      'test:zones': 'TZ=UTC jest --rootDir test/jest && TZ=Asia/Tokyo jest --rootDir test/jest',
      posttest: "node -e \"require('fs').appendFileSync('ran.log', 'posttest\\n')\"",
      'test:wrapped': 'tools/tap test/node',
    },
  }),
  'tsconfig.json': JSON.stringify({
    compilerOptions: { outDir: 'dist', module: 'nodenext', lib: ['es2020'], types: [], skipLibCheck: true },
    files: ['src/index.ts'],
  }),
  'src/index.ts': 'export const one: number = 1;\n',
  'test/old.test.mjs': passingMocha,
  'test/new.test.mjs': failingMocha,
  'test/jest/zone.test.cjs': "test('knows its zone', () => { expect(['UTC', 'Asia/Tokyo']).toContain(process.env.TZ); });\n",
  // A repository's own wrapper named like a runner, which refuses options it does not know.
  'tools/tap': '#!/bin/sh\ncase "$*" in *--reporter*) echo "tools/tap: unknown option" >&2; exit 127;; esac\nexec node --test "$@"\n',
  'test/node/a.test.mjs': "import test from 'node:test';\ntest('a', () => {});\n",
};

let project: SampleProject;
let scratch: string;
const runner = () => createCheckRunner({ timeoutMs: 120_000, outputLimitBytes: 1_000_000, scratchDir: scratch, sandbox: { mode: 'off' } });

beforeAll(async () => {
  project = await createSampleProject(FILES, { linkNodeModules: true });
  fs.chmodSync(path.join(project.root, 'tools/tap'), 0o755);
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-focused-'));
});
afterAll(async () => {
  await project.remove();
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('red on the changed test files alone', () => {
  it('runs the build, then mocha on the new file only, and neither the other runners nor the post hook', async () => {
    // The baseline says which step ran which file: mocha ran test/, the jests test/jest/.
    const baseline = await runner().runTests(project.root, { test: 'npm test' }, new AbortController().signal);
    fs.rmSync(path.join(project.root, 'dist'), { recursive: true, force: true });
    fs.rmSync(path.join(project.root, 'ran.log'), { force: true });
    const focused = await runner().runChangedTests(
      project.root,
      { test: 'npm test' },
      ['test/new.test.mjs'],
      new AbortController().signal,
      stepFilesOf(baseline!.report),
    );
    if (!focused.ok) throw new Error(focused.reason);
    const { run } = focused;
    // The pretest build ran (the new test imports dist/), the old test did not.
    expect(fs.existsSync(path.join(project.root, 'dist/index.js'))).toBe(true);
    expect(run.report.tests.map((test) => test.id)).toEqual(['test/new.test.mjs::new > needs two']);
    expect(run.report.failures[0]?.message).toContain('one is not two');
    expect(run.report.steps?.map((step) => step.command)).toEqual(['c8 --reporter=text-summary mocha test/new.test.mjs']);
    // An unknown command before the runner is kept (it may be a build); the post hook is not.
    expect(fs.readFileSync(path.join(project.root, 'ran.log'), 'utf8')).toBe('lint\n');
    expect(run.command).toBe('c8 --reporter=text-summary mocha test/new.test.mjs');
  });

  it('gives a test file of the jest chain to each jest, with its own TZ', async () => {
    const focused = await runner().runChangedTests(project.root, { test: 'npm test' }, ['test/jest/zone.test.cjs'], new AbortController().signal);
    if (!focused.ok) throw new Error(focused.reason);
    expect(focused.run.report.steps?.map((step) => [step.runner, step.passed, step.failed])).toEqual([
      ['jest', 1, 0],
      ['jest', 1, 0],
    ]);
    expect(focused.run.report.tests.every((test) => test.file === 'test/jest/zone.test.cjs')).toBe(true);
  });

  it('says why when no runner of the command selects the file', async () => {
    const focused = await runner().runChangedTests(project.root, { test: 'npm run test:zones' }, ['test/new.test.mjs'], new AbortController().signal);
    expect(focused).toMatchObject({ ok: true });
    const none = await runner().runChangedTests(project.root, { test: 'mocha test/unit/*.mjs' }, ['test/new.test.mjs'], new AbortController().signal);
    expect(none).toEqual({ ok: false, reason: 'no runner of the test command selects the changed test files' });
  });
});

describe('a command changed for reporters that no longer starts the tests', () => {
  it('is run again unchanged, and its exit code decides with the reason on the step', async () => {
    const run = await runner().runTests(project.root, { test: 'npm run test:wrapped' }, new AbortController().signal);
    expect(run?.exitCode, run?.output).toBe(0);
    expect(run?.report.failed).toBe(0);
    expect(run?.report.steps).toMatchObject([{ runner: 'tap', structured: false }]);
    expect(run?.report.steps?.[0]?.fallbackReason).toMatch(/reporter options reached no runner.*exit 127.*unchanged command.*\(0\) decides/);
  });
});
