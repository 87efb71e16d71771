import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_FAILED, FILE_FAILED_TO_LOAD } from './build-test-report.ts';
import { parseTap } from './parse-tap.ts';
import { NODE_TEST_SAMPLE_FILES, cleanEnvironment, createSampleProject, runShellCommand, type SampleProject } from './sample-projects.ts';
import type { TestReport } from './types.ts';

// Trimmed from real `node --test --test-reporter=tap` output of Node 20.
const handWritten = `TAP version 13
# Subtest: adds
ok 1 - adds
  ---
  duration_ms: 2.03
  ...
# Subtest: math
    # Subtest: nested
        # Subtest: divides wrongly
        not ok 1 - divides wrongly
          ---
          duration_ms: 0.23
          location: '/repo/test/a.test.js:10:5'
          failureType: 'testCodeFailure'
          error: |-
            boom
            it's broken
          code: 'ERR_TEST_FAILURE'
          stack: |-
            TestContext.<anonymous> (file:///repo/test/a.test.js:11:13)
            Test.runInAsyncScope (node:async_hooks:206:9)
          ...
        1..1
    not ok 1 - nested
      ---
      duration_ms: 0.39
      type: 'suite'
      location: '/repo/test/a.test.js:9:3'
      failureType: 'subtestsFailed'
      error: '1 subtest failed'
      ...
    1..1
not ok 2 - math
  ---
  duration_ms: 3.06
  type: 'suite'
  location: '/repo/test/a.test.js:7:1'
  failureType: 'subtestsFailed'
  error: '1 subtest failed'
  ...
# Subtest: with \\# hash \\\\ slash
ok 3 - with \\# hash \\\\ slash # SKIP not ready
  ---
  duration_ms: 0.19
  ...
# Subtest: planned
not ok 4 - planned # TODO
  ---
  duration_ms: 0.2
  location: '/repo/test/a.test.js:20:1'
  error: 'x'
  ...
# Subtest: teardown
    # Subtest: inner
    ok 1 - inner
      ---
      duration_ms: 0.1
      ...
    1..1
not ok 5 - teardown
  ---
  duration_ms: 1
  type: 'suite'
  location: '/repo/test/a.test.js:22:1'
  failureType: 'hookFailed'
  error: 'after hook broke'
  ...
# file:///repo/test/b.test.js:1
# import { missing } from './helper.js';
# SyntaxError: The requested module './helper.js' does not provide an export named 'missing'
#     at ModuleJob._instantiate (node:internal/modules/esm/module_job:213:21)
# Subtest: /repo/test/b.test.js
not ok 6 - /repo/test/b.test.js
  ---
  duration_ms: 94.7
  location: '/repo/test/b.test.js:1:1'
  failureType: 'testCodeFailure'
  exitCode: 1
  signal: ~
  error: 'test failed'
  code: 'ERR_TEST_FAILURE'
  ...
# Subtest: /repo/test/helper.js
ok 7 - /repo/test/helper.js
  ---
  duration_ms: 81.2
  ...
1..7
# tests 8
# pass 3
# fail 3
`;

describe('parseTap with a hand-written Node 20 sample', () => {
  const result = parseTap(handWritten, '/repo');

  it('lists leaf tests with joined names, and parents only when their failure is otherwise lost', () => {
    if (!result.ok) throw new Error(result.error);
    expect(result.report.tests.map((test) => [test.id, test.status])).toEqual([
      // Node 20's TAP locates only failures: a passing top-level test has no file.
      ['::adds', 'passed'],
      ['test/a.test.js::math > nested > divides wrongly', 'failed'],
      ['::with # hash \\ slash', 'skipped'],
      ['test/a.test.js::planned', 'skipped'],
      ['test/a.test.js::teardown > inner', 'passed'],
      ['test/a.test.js::teardown', 'failed'],
      [`test/b.test.js::${FILE_FAILED_TO_LOAD}`, 'failed'],
    ]);
    expect(result.report).toMatchObject({ runner: 'node-test', passed: 2, failed: 3, skipped: 2 });
  });

  it('takes the message from the YAML block and the line from the stack', () => {
    if (!result.ok) throw new Error(result.error);
    const [assertion, hook, load] = result.report.failures;
    expect(assertion).toMatchObject({ line: 11, message: "boom\nit's broken" });
    expect(hook).toMatchObject({ line: 22, message: 'after hook broke' });
    expect(load?.line).toBe(1);
    expect(load?.message).toContain("does not provide an export named 'missing'");
    expect(load?.message).not.toContain('node:internal');
  });

  it('keeps the subtests of a report that stops early and marks their parent unfinished', () => {
    const truncated = handWritten.slice(0, handWritten.indexOf('    not ok 1 - nested'));
    const parsed = parseTap(truncated, '/repo');
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.report.tests.map((test) => [test.id, test.status])).toEqual([
      ['::adds', 'passed'],
      ['test/a.test.js::math > nested > divides wrongly', 'failed'],
    ]);
    const cutEarlier = handWritten.slice(0, handWritten.indexOf('        # Subtest: divides'));
    const unfinished = parseTap(`${cutEarlier}    # Subtest: ok child\n    ok 1 - ok child\n`, '/repo');
    if (!unfinished.ok) throw new Error(unfinished.error);
    expect(unfinished.report.failures.map((test) => test.name)).toEqual(['math']);
    expect(unfinished.report.failures[0]?.message).toContain('did not finish');
  });

  it('reports a file that fails without failing tests of its own', () => {
    const text = `TAP version 13
    # Subtest: works
    ok 1 - works
      ---
      location: '/repo/test/c.test.js:3:1'
      ...
    1..1
not ok 1 - /repo/test/c.test.js
  ---
  location: '/repo/test/c.test.js:1:1'
  error: 'test failed'
  ...
`;
    const parsed = parseTap(text, '/repo');
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.report.tests.map((test) => test.id)).toEqual(['test/c.test.js::works', `test/c.test.js::${FILE_FAILED}`]);
  });

  it('returns an error for text that is not TAP, without throwing', () => {
    for (const text of ['', 'hello\nworld', '{"tests": []}']) {
      expect(parseTap(text, '/repo').ok).toBe(false);
    }
    expect(parseTap('TAP version 13\n1..0\n', '/repo')).toMatchObject({
      ok: true,
      report: { passed: 0 },
    });
  });
});

describe('parseTap with the output of this machine’s node --test', () => {
  let project: SampleProject;
  let report: TestReport;

  beforeAll(async () => {
    project = await createSampleProject(NODE_TEST_SAMPLE_FILES);
    const reportFile = path.join(project.root, 'report.tap');
    const outcome = await runShellCommand('node --test', {
      cwd: project.root,
      env: cleanEnvironment({
        NODE_OPTIONS: `--test-reporter=tap --test-reporter-destination=${reportFile}`,
      }),
    });
    expect(outcome.exitCode).toBe(1);
    const result = parseTap(await readFile(reportFile, 'utf8'), project.root);
    if (!result.ok) throw new Error(result.error);
    report = result.report;
  });

  afterAll(async () => {
    await project.remove();
  });

  it('finds every test, the nested failure and the file that cannot import', () => {
    // Passing tests get their file only from a located (failed) ancestor; see parseTap.
    expect(report.tests.map((test) => [test.id, test.status]).sort()).toEqual([
      ['::adds', 'passed'],
      ['::is planned', 'skipped'],
      ['::is skipped', 'skipped'],
      [`test/broken.test.js::${FILE_FAILED_TO_LOAD}`, 'failed'],
      ['test/math.test.js::math > multiplies', 'passed'],
      ['test/math.test.js::math > nested > subtracts', 'failed'],
    ]);
    expect(report).toMatchObject({ passed: 2, failed: 2, skipped: 2 });
  });

  it('points failures at the failing line and explains them', () => {
    const assertion = report.failures.find((test) => test.name === 'math > nested > subtracts');
    expect(assertion?.line).toBe(12);
    expect(assertion?.message).toContain('1 !== 3');
    const load = report.failures.find((test) => test.file === 'test/broken.test.js');
    expect(load?.message).toContain("does not provide an export named 'missing'");
  });
});
