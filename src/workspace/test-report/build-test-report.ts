import { truncateMessage } from './failure-message.ts';
import type { TestCaseResult, TestReport, TestRunner, TestStatus } from './types.ts';

/** Name given to a test file that failed before any of its tests ran (e.g. an import error). */
export const FILE_FAILED_TO_LOAD = '(file failed to load)';
/** Name given to a failure of a test file that none of its tests account for (e.g. a hook). */
export const FILE_FAILED = '(file failed)';

export interface TestCaseInput {
  /** Repository-relative posix path, '' when unknown. */
  file: string;
  /** Suite titles then the test title; joined with ' > ' to form the name. */
  namePath: readonly string[];
  status: TestStatus;
  line?: number | undefined;
  message?: string | undefined;
}

/** Builds a test case with its stable id; only failures keep a line and message. */
export function createTestCase(input: TestCaseInput): TestCaseResult {
  const name = input.namePath.join(' > ');
  const testCase: TestCaseResult = {
    id: `${input.file}::${name}`,
    file: input.file,
    name,
    status: input.status,
  };
  if (input.status !== 'failed') return testCase;
  if (input.line !== undefined && Number.isInteger(input.line) && input.line > 0) {
    testCase.line = input.line;
  }
  if (input.message !== undefined && input.message.trim() !== '') {
    testCase.message = truncateMessage(input.message.trim());
  }
  return testCase;
}

/** Counts the test cases into a structured report. */
export function buildTestReport(runner: TestRunner, tests: TestCaseResult[]): TestReport {
  return {
    runner,
    structured: true,
    passed: tests.filter((test) => test.status === 'passed').length,
    failed: tests.filter((test) => test.status === 'failed').length,
    skipped: tests.filter((test) => test.status === 'skipped').length,
    tests,
    failures: tests.filter((test) => test.status === 'failed'),
  };
}
