import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_FAILED, FILE_FAILED_TO_LOAD } from './build-test-report.ts';
import { parseJestJson } from './parse-jest-json.ts';
import { VITEST_BINARY, VITEST_SAMPLE_FILES, createSampleProject, runShellCommand, type SampleProject } from './sample-projects.ts';
import type { TestReport } from './types.ts';

// Shape of `jest --json --testLocationInResults` (formatTestResults in @jest/test-result).
const jestReport = {
  numFailedTestSuites: 2,
  numFailedTests: 1,
  numPassedTestSuites: 1,
  numPassedTests: 1,
  numPendingTestSuites: 0,
  numPendingTests: 1,
  numRuntimeErrorTestSuites: 1,
  numTodoTests: 1,
  numTotalTestSuites: 3,
  numTotalTests: 4,
  openHandles: [],
  snapshot: { added: 0, failure: false, total: 0 },
  startTime: 1700000000000,
  success: false,
  testResults: [
    {
      assertionResults: [
        {
          ancestorTitles: ['sum'],
          duration: 2,
          failureDetails: [],
          failureMessages: [],
          fullName: 'sum adds numbers',
          invocations: 1,
          location: { column: 3, line: 4 },
          numPassingAsserts: 1,
          retryReasons: [],
          status: 'passed',
          title: 'adds numbers',
        },
        {
          ancestorTitles: ['sum', 'with negatives'],
          duration: 3,
          failureDetails: [{ matcherResult: { pass: false } }],
          failureMessages: [
            'Error: \u001b[2mexpect(\u001b[22m\u001b[31mreceived\u001b[39m\u001b[2m).\u001b[22mtoBe\u001b[2m(\u001b[22m\u001b[32mexpected\u001b[39m\u001b[2m)\u001b[22m\n\nExpected: \u001b[32m-3\u001b[39m\nReceived: \u001b[31m3\u001b[39m\n    at Object.toBe (/repo/src/sum.test.js:12:23)\n    at Promise.then.completed (/repo/node_modules/jest-circus/build/utils.js:298:28)\n    at new Promise (<anonymous>)',
          ],
          fullName: 'sum with negatives subtracts',
          invocations: 1,
          location: { column: 5, line: 10 },
          numPassingAsserts: 0,
          retryReasons: [],
          status: 'failed',
          title: 'subtracts',
        },
        {
          ancestorTitles: ['sum'],
          duration: null,
          failureDetails: [],
          failureMessages: [],
          fullName: 'sum is pending',
          invocations: 0,
          location: { column: 8, line: 16 },
          numPassingAsserts: 0,
          retryReasons: [],
          status: 'pending',
          title: 'is pending',
        },
        {
          ancestorTitles: [],
          duration: null,
          failureDetails: [],
          failureMessages: [],
          fullName: 'top-level todo',
          invocations: 0,
          location: null,
          numPassingAsserts: 0,
          retryReasons: [],
          status: 'todo',
          title: 'top-level todo',
        },
      ],
      endTime: 1700000000500,
      message: '  ● sum › with negatives › subtracts\n\n    expect(received).toBe(expected)',
      name: '/repo/src/sum.test.js',
      startTime: 1700000000100,
      status: 'failed',
      summary: '',
    },
    {
      assertionResults: [],
      endTime: 0,
      message:
        "  ● Test suite failed to run\n\n    Cannot find module './missing' from 'src/broken.test.js'\n\n      1 | import { missing } from './missing';\n    > 2 |\n\n      at Resolver._throwModNotFoundError (node_modules/jest-resolve/build/resolver.js:427:11)\n      at Object.<anonymous> (/repo/src/broken.test.js:1:1)",
      name: '/repo/src/broken.test.js',
      startTime: 0,
      status: 'failed',
      summary: '',
    },
    {
      assertionResults: [
        {
          ancestorTitles: [],
          duration: 1,
          failureDetails: [],
          failureMessages: [],
          fullName: 'works',
          invocations: 1,
          location: { column: 1, line: 3 },
          numPassingAsserts: 1,
          retryReasons: [],
          status: 'passed',
          title: 'works',
        },
      ],
      endTime: 1700000000600,
      message: '  ● Test suite failed to run\n\n    afterAll hook failed: database still open',
      name: '/repo/src/hooks.test.js',
      startTime: 1700000000100,
      status: 'failed',
      summary: '',
    },
  ],
  wasInterrupted: false,
};

describe('parseJestJson with a jest report', () => {
  const result = parseJestJson(JSON.stringify(jestReport), '/repo', 'jest');

  it('parses every test with a stable id and maps statuses', () => {
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.report.runner).toBe('jest');
    expect(result.report.structured).toBe(true);
    expect(result.report.tests.map((test) => [test.id, test.status])).toEqual([
      ['src/sum.test.js::sum > adds numbers', 'passed'],
      ['src/sum.test.js::sum > with negatives > subtracts', 'failed'],
      ['src/sum.test.js::sum > is pending', 'skipped'],
      ['src/sum.test.js::top-level todo', 'skipped'],
      [`src/broken.test.js::${FILE_FAILED_TO_LOAD}`, 'failed'],
      ['src/hooks.test.js::works', 'passed'],
      [`src/hooks.test.js::${FILE_FAILED}`, 'failed'],
    ]);
    expect(result.report).toMatchObject({ passed: 2, failed: 3, skipped: 2 });
  });

  it('gives a failure the failing line from its stack and a readable message', () => {
    if (!result.ok) throw new Error(result.error);
    const failure = result.report.failures[0];
    expect(failure?.line).toBe(12);
    expect(failure?.message).toContain('Expected: -3\nReceived: 3');
    expect(failure?.message).not.toContain('\u001b[');
    expect(failure?.message).not.toContain('node_modules');
    expect(result.report.tests[0]).not.toHaveProperty('line');
  });

  it('keeps a file that fails to load as a failure with the loader message', () => {
    if (!result.ok) throw new Error(result.error);
    const loadFailure = result.report.failures.find((test) => test.file === 'src/broken.test.js');
    expect(loadFailure?.name).toBe(FILE_FAILED_TO_LOAD);
    expect(loadFailure?.message).toContain("Cannot find module './missing'");
    expect(loadFailure?.line).toBe(1);
  });

  it('falls back to the reported location when the stack does not name the file', () => {
    const report = structuredClone(jestReport);
    const failing = report.testResults[0]?.assertionResults[1];
    if (failing === undefined) throw new Error('sample changed');
    failing.failureMessages = ['Error: boom'];
    const parsed = parseJestJson(JSON.stringify(report), '/repo', 'jest');
    expect(parsed.ok && parsed.report.failures[0]?.line).toBe(10);
  });
});

describe('parseJestJson with bad input', () => {
  it('returns an error instead of throwing', () => {
    for (const text of ['', 'garbage', '{"testResults": 3}', '[1,2]', 'null']) {
      const result = parseJestJson(text, '/repo', 'vitest');
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(/^vitest JSON report: /);
    }
  });

  it('accepts a run with no test files', () => {
    const result = parseJestJson('{"testResults": []}', '/repo', 'jest');
    expect(result).toMatchObject({ ok: true, report: { passed: 0, failed: 0, tests: [] } });
  });
});

describe('parseJestJson with a real vitest report', () => {
  let project: SampleProject;
  let report: TestReport;

  beforeAll(async () => {
    project = await createSampleProject(VITEST_SAMPLE_FILES, { linkNodeModules: true });
    const reportFile = path.join(project.root, 'report.json');
    const outcome = await runShellCommand(`${VITEST_BINARY} run --root ${project.root} --reporter=json --outputFile.json=${reportFile}`, { cwd: project.root });
    expect(outcome.exitCode).toBe(1);
    const result = parseJestJson(await readFile(reportFile, 'utf8'), project.root, 'vitest');
    if (!result.ok) throw new Error(result.error);
    report = result.report;
  });

  afterAll(async () => {
    await project.remove();
  });

  it('counts passed, failed and skipped tests including the file that cannot import', () => {
    expect(report.runner).toBe('vitest');
    expect(report).toMatchObject({ passed: 1, failed: 2, skipped: 2 });
    expect(report.tests.map((test) => test.id).sort()).toEqual([
      `src/broken.test.ts::${FILE_FAILED_TO_LOAD}`,
      'src/math.test.ts::math > adds',
      'src/math.test.ts::math > is planned',
      'src/math.test.ts::math > is skipped',
      'src/math.test.ts::math > nested > subtracts',
    ]);
  });

  it('points the assertion failure at its line with the expectation in the message', () => {
    const failure = report.failures.find((test) => test.id === 'src/math.test.ts::math > nested > subtracts');
    expect(failure?.line).toBe(8);
    expect(failure?.message).toContain('expected 1 to be 3');
  });

  it('explains why the broken file failed', () => {
    const failure = report.failures.find((test) => test.file === 'src/broken.test.ts');
    expect(failure?.message).toContain('does-not-exist');
  });
});
