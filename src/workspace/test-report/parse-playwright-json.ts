import path from 'node:path';
import { z } from 'zod';
import { buildTestReport, createTestCase } from './build-test-report.ts';
import { stripAnsi, withoutInternalFrames } from './failure-message.ts';
import { parseJsonDocument } from './parse-json-document.ts';
import { toRepositoryPath } from './repository-path.ts';
import type { ParseResult, TestCaseResult, TestReport, TestStatus } from './types.ts';

const resultSchema = z
  .object({
    error: z
      .object({ message: z.string().optional(), location: z.object({ line: z.number() }).loose().optional() })
      .loose()
      .optional(),
  })
  .loose();
const specSchema = z
  .object({
    title: z.string(),
    file: z.string(),
    line: z.number().optional(),
    tests: z.array(z.object({ projectName: z.string().default(''), status: z.string(), results: z.array(resultSchema).default([]) }).loose()).default([]),
  })
  .loose();
interface Suite {
  title: string;
  file?: string;
  specs: z.infer<typeof specSchema>[];
  suites?: Suite[];
}
const suiteSchema: z.ZodType<Suite> = z.lazy(() =>
  z.object({ title: z.string(), file: z.string().optional(), specs: z.array(specSchema).default([]), suites: z.array(suiteSchema).optional() }),
);
const reportSchema = z.object({ config: z.object({ rootDir: z.string() }).loose(), suites: z.array(suiteSchema) }).loose();

/** Playwright's `status` per test: expected, unexpected, flaky (passed on retry), skipped. */
const STATUSES: Record<string, TestStatus> = { expected: 'passed', flaky: 'passed', unexpected: 'failed', skipped: 'skipped' };

/**
 * Parses Playwright Test's JSON reporter. Names are the describe titles and the test title (the
 * file's own suite is the file, not a name part), with the project name first when there is one;
 * a test run in two projects is two tests, as in Playwright's own count.
 */
export function parsePlaywrightJson(text: string, root: string): ParseResult<TestReport> {
  const parsed = parseJsonDocument(text, reportSchema, '{');
  if (!parsed.ok) return { ok: false, error: `Playwright JSON report: ${parsed.error}` };
  const tests: TestCaseResult[] = [];
  const visit = (suite: Suite, titles: string[]): void => {
    for (const spec of suite.specs) {
      for (const test of spec.tests) {
        const last = test.results.at(-1);
        const message = last?.error?.message === undefined ? undefined : withoutInternalFrames(stripAnsi(last.error.message));
        tests.push(
          createTestCase({
            file: toRepositoryPath(path.resolve(parsed.value.config.rootDir, spec.file), root),
            namePath: [...(test.projectName === '' ? [] : [test.projectName]), ...titles, spec.title],
            status: STATUSES[test.status] ?? 'failed',
            line: last?.error?.location?.line ?? spec.line,
            message,
          }),
        );
      }
    }
    for (const child of suite.suites ?? []) visit(child, [...titles, child.title]);
  };
  // Top-level suites are files.
  for (const suite of parsed.value.suites) visit(suite, []);
  return { ok: true, report: buildTestReport('playwright', tests) };
}
