import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_FAILED_TO_LOAD } from './build-test-report.ts';
import { nodeTestReporterOptions } from './node-test-reporter.ts';
import { parseNodeTestEvents } from './parse-node-test-events.ts';
import { NODE_TEST_SAMPLE_FILES, cleanEnvironment, createSampleProject, runShellCommand, type SampleProject } from './sample-projects.ts';
import type { TestReport } from './types.ts';

const line = (value: object): string => `${JSON.stringify(value)}\n`;

// What node-test-reporter.ts writes, as recorded from Node 20.
const handWritten = [
  line({
    type: 'test:pass',
    name: 'adds',
    nesting: 0,
    file: '/repo/test/a.test.js',
    line: 3,
    column: 1,
  }),
  line({
    type: 'test:fail',
    name: 'divides',
    nesting: 1,
    file: '/repo/test/a.test.js',
    line: 8,
    column: 3,
    failureType: 'testCodeFailure',
    error: 'Expected values to be strictly equal:\n\nInfinity !== 0\n',
    stack: 'AssertionError [ERR_ASSERTION]: Expected…\n    at TestContext.<anonymous> (file:///repo/test/a.test.js:9:12)',
  }),
  line({
    type: 'test:fail',
    name: 'math',
    nesting: 0,
    file: '/repo/test/a.test.js',
    line: 7,
    column: 1,
    suite: true,
    error: '1 subtest failed',
  }),
  line({
    type: 'test:pass',
    name: 'later',
    nesting: 0,
    file: '/repo/test/a.test.js',
    line: 12,
    column: 1,
    skip: true,
  }),
  line({
    type: 'test:stderr',
    file: '/repo/test/b.test.js',
    message: "SyntaxError: The requested module '../lib/helper.js' does not provide an export named 'missing'\n",
  }),
  line({
    type: 'test:stderr',
    file: '/repo/test/b.test.js',
    message: '    at ModuleJob._instantiate (node:internal/modules/esm/module_job:213:21)\n',
  }),
  line({
    type: 'test:fail',
    name: '/repo/test/b.test.js',
    nesting: 0,
    file: '/repo/test/b.test.js',
    line: 1,
    column: 1,
    failureType: 'testCodeFailure',
    error: 'test failed',
  }),
  '{"type":"test:pass","name":"cut off by a kill',
].join('');

describe('parseNodeTestEvents', () => {
  it('builds ids from the file of every test, passing or failing', () => {
    const result = parseNodeTestEvents(handWritten, '/repo');
    if (!result.ok) throw new Error(result.error);
    expect(result.report.tests.map((test) => [test.id, test.status])).toEqual([
      ['test/a.test.js::adds', 'passed'],
      ['test/a.test.js::math > divides', 'failed'],
      ['test/a.test.js::later', 'skipped'],
      [`test/b.test.js::${FILE_FAILED_TO_LOAD}`, 'failed'],
    ]);
    expect(result.report).toMatchObject({ runner: 'node-test', passed: 1, failed: 2, skipped: 1 });
    const [assertion, load] = result.report.failures;
    expect(assertion).toMatchObject({
      line: 9,
      message: 'Expected values to be strictly equal:\n\nInfinity !== 0',
    });
    expect(load?.message).toContain("does not provide an export named 'missing'");
    expect(load?.message).not.toContain('node:internal');
  });

  it('returns an error for empty or foreign input', () => {
    expect(parseNodeTestEvents('', '/repo')).toEqual({
      ok: false,
      error: 'node:test event report: the report is empty',
    });
    expect(parseNodeTestEvents('TAP version 13\nok 1 - x\n', '/repo').ok).toBe(false);
    expect(parseNodeTestEvents('{"type":"test:pass"}\n[1]\n', '/repo').ok).toBe(false);
  });
});

describe('node-test-reporter with this machine’s node --test', () => {
  let project: SampleProject;
  let report: TestReport;
  let output: string;

  beforeAll(async () => {
    project = await createSampleProject(NODE_TEST_SAMPLE_FILES);
    const reportFile = path.join(project.root, 'report with space.jsonl');
    const outcome = await runShellCommand('node --test', {
      cwd: project.root,
      env: cleanEnvironment({ NODE_OPTIONS: nodeTestReporterOptions(reportFile) }),
    });
    expect(outcome.exitCode).toBe(1);
    output = outcome.output;
    const result = parseNodeTestEvents(await readFile(reportFile, 'utf8'), project.root);
    if (!result.ok) throw new Error(result.error);
    report = result.report;
  });

  afterAll(async () => {
    await project.remove();
  });

  it('keeps the usual human-readable output on stdout', () => {
    expect(output).toContain('✖ subtracts');
  });

  it('reports every test with its file, including passing ones', () => {
    expect(report.tests.map((test) => [test.id, test.status]).sort()).toEqual([
      [`test/broken.test.js::${FILE_FAILED_TO_LOAD}`, 'failed'],
      ['test/math.test.js::adds', 'passed'],
      ['test/math.test.js::is planned', 'skipped'],
      ['test/math.test.js::is skipped', 'skipped'],
      ['test/math.test.js::math > multiplies', 'passed'],
      ['test/math.test.js::math > nested > subtracts', 'failed'],
    ]);
  });

  it('points the failure at the failing assertion and explains the import error', () => {
    const assertion = report.failures.find((test) => test.name === 'math > nested > subtracts');
    expect(assertion?.line).toBe(12);
    expect(assertion?.message).toContain('1 !== 3');
    const load = report.failures.find((test) => test.file === 'test/broken.test.js');
    expect(load?.message).toContain("does not provide an export named 'missing'");
  });
});
