import path from 'node:path';
import { z } from 'zod';
import { FILE_FAILED, FILE_FAILED_TO_LOAD, buildTestReport, createTestCase } from './build-test-report.ts';
import { findLineInStack, stripAnsi, withoutInternalFrames } from './failure-message.ts';
import { parseJsonDocument } from './parse-json-document.ts';
import { isAbsolute, toRepositoryPath } from './repository-path.ts';
import type { ParseResult, TestCaseResult, TestReport, TestStatus } from './types.ts';

const assertionResultSchema = z.object({
  ancestorTitles: z.array(z.string()).default([]),
  title: z.string(),
  fullName: z.string().nullish(),
  status: z.string(),
  failureMessages: z.array(z.string()).nullish(),
  location: z.object({ line: z.number(), column: z.number().nullish() }).nullish(),
});

const testFileResultSchema = z.object({
  /** Absolute path of the test file. */
  name: z.string(),
  status: z.string().nullish(),
  message: z.string().nullish(),
  assertionResults: z.array(assertionResultSchema).default([]),
});

const jestReportSchema = z.object({ testResults: z.array(testFileResultSchema) });

type TestFileResult = z.infer<typeof testFileResultSchema>;

/**
 * Parses jest's `--json` report; vitest's `--reporter=json` report has the same shape.
 * A failed line is the first stack frame in the test file, else the reported test location.
 */
export function parseJestJson(text: string, root: string, runner: 'jest' | 'vitest'): ParseResult<TestReport> {
  const parsed = parseJsonDocument(text, jestReportSchema, '{');
  if (!parsed.ok) return { ok: false, error: `${runner} JSON report: ${parsed.error}` };
  const tests = parsed.value.testResults.flatMap((fileResult) => testCases(fileResult, root));
  return { ok: true, report: buildTestReport(runner, tests) };
}

function testCases(fileResult: TestFileResult, root: string): TestCaseResult[] {
  const file = toRepositoryPath(fileResult.name, root);
  const absoluteFile = isAbsolute(fileResult.name) ? fileResult.name : path.join(root, fileResult.name);
  const tests = fileResult.assertionResults.map((assertion) => {
    const status = toStatus(assertion.status);
    const rawMessage = stripAnsi((assertion.failureMessages ?? []).join('\n\n'));
    return createTestCase({
      file,
      namePath: [...assertion.ancestorTitles, assertion.title],
      status,
      line: findLineInStack(rawMessage, absoluteFile) ?? assertion.location?.line,
      message: withoutInternalFrames(rawMessage),
    });
  });
  const fileFailed = fileResult.status === 'failed';
  if (fileFailed && !tests.some((test) => test.status === 'failed')) {
    const rawMessage = stripAnsi(fileResult.message ?? '');
    tests.push(
      createTestCase({
        file,
        namePath: [tests.length === 0 ? FILE_FAILED_TO_LOAD : FILE_FAILED],
        status: 'failed',
        line: findLineInStack(rawMessage, absoluteFile),
        message: withoutInternalFrames(rawMessage) || 'the test file failed without a message',
      }),
    );
  }
  return tests;
}

function toStatus(status: string): TestStatus {
  if (status === 'passed') return 'passed';
  if (status === 'failed') return 'failed';
  // pending, skipped, todo, disabled and anything newer did not run.
  return 'skipped';
}
