import path from 'node:path';
import { z } from 'zod';
import { buildTestReport, createTestCase } from './build-test-report.ts';
import { findLineInStack, stripAnsi, withoutInternalFrames } from './failure-message.ts';
import { parseJsonDocument } from './parse-json-document.ts';
import { isAbsolute, toRepositoryPath } from './repository-path.ts';
import type { ParseResult, TestCaseResult, TestReport, TestStatus } from './types.ts';

const mochaTestSchema = z.object({
  title: z.string(),
  fullTitle: z.string(),
  file: z.string().nullish(),
  err: z.object({ message: z.unknown().optional(), stack: z.unknown().optional() }).nullish(),
});

const mochaReportSchema = z.object({
  stats: z.object({}).loose().optional(),
  tests: z.array(mochaTestSchema),
  passes: z.array(mochaTestSchema).default([]),
  failures: z.array(mochaTestSchema).default([]),
  pending: z.array(mochaTestSchema).default([]),
});

type MochaTest = z.infer<typeof mochaTestSchema>;

/**
 * Parses mocha's `--reporter json` output. Mocha reports only the full title (suite titles joined
 * by spaces), so the name is `<suite titles> > <test title>`: stable, but suites are not split.
 * Failed hooks appear only in `failures` and are kept as failures under their hook title.
 */
export function parseMochaJson(text: string, root: string): ParseResult<TestReport> {
  const parsed = parseJsonDocument(text, mochaReportSchema, '{');
  if (!parsed.ok) return { ok: false, error: `mocha JSON report: ${parsed.error}` };
  const { tests, passes, failures, pending } = parsed.value;

  const statuses = new Map<string, TestStatus>();
  for (const test of passes) statuses.set(key(test), 'passed');
  for (const test of pending) statuses.set(key(test), 'skipped');
  for (const test of failures) statuses.set(key(test), 'failed');

  const seen = new Set<string>();
  const results: TestCaseResult[] = [];
  for (const test of [...tests, ...failures, ...pending, ...passes]) {
    const testKey = key(test);
    if (seen.has(testKey)) continue;
    seen.add(testKey);
    results.push(toTestCase(test, statuses.get(testKey) ?? statusFromError(test), root));
  }
  return { ok: true, report: buildTestReport('mocha', results) };
}

function toTestCase(test: MochaTest, status: TestStatus, root: string): TestCaseResult {
  const rawFile = test.file ?? '';
  const absoluteFile = rawFile === '' || isAbsolute(rawFile) ? rawFile : path.join(root, rawFile);
  const message = stripAnsi(errorText(test));
  return createTestCase({
    file: toRepositoryPath(rawFile, root),
    namePath: namePath(test),
    status,
    // mocha 11 prints stack frames relative to the folder it ran in, which is `root` for this report.
    line: findLineInStack(message, absoluteFile) ?? findLineInStack(message, toRepositoryPath(absoluteFile, root)),
    message: withoutInternalFrames(message),
  });
}

function namePath(test: MochaTest): string[] {
  const suffix = ` ${test.title}`;
  if (test.fullTitle.endsWith(suffix)) {
    const suites = test.fullTitle.slice(0, -suffix.length).trim();
    if (suites !== '') return [suites, test.title];
  }
  return [test.title === '' ? test.fullTitle : test.title];
}

function errorText(test: MochaTest): string {
  const message = typeof test.err?.message === 'string' ? test.err.message : '';
  const stack = typeof test.err?.stack === 'string' ? test.err.stack : '';
  if (stack === '') return message;
  if (message === '' || stack.includes(message)) return stack;
  return `${message}\n${stack}`;
}

function statusFromError(test: MochaTest): TestStatus {
  return errorText(test) === '' ? 'passed' : 'failed';
}

function key(test: MochaTest): string {
  return `${test.file ?? ''}\u0000${test.fullTitle}`;
}
