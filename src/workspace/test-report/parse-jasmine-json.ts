import { z } from 'zod';
import { buildTestReport, createTestCase } from './build-test-report.ts';
import { findLineInStack, stripAnsi, withoutInternalFrames } from './failure-message.ts';
import { parseJsonDocument } from './parse-json-document.ts';
import { toRepositoryPath } from './repository-path.ts';
import type { ParseResult, TestCaseResult, TestStatus, TestReport } from './types.ts';

/** Name of the failure that stands for an error in a describe's own hooks (afterAll, beforeAll). */
export const SUITE_FAILED = '(suite failed)';
/** Name of a failure outside every describe: a top-level afterAll, an error while loading specs. */
export const RUN_FAILED = '(jasmine run failed)';

const failureSchema = z.object({ message: z.string(), stack: z.string().default('') });

const reportSchema = z.object({
  reporter: z.literal('mender-jasmine'),
  overallStatus: z.string(),
  incompleteReason: z.string().default(''),
  specs: z.array(z.object({ path: z.array(z.string()), filename: z.string(), status: z.string(), failures: z.array(failureSchema) })),
  suiteFailures: z.array(z.object({ path: z.array(z.string()), filename: z.string(), failures: z.array(failureSchema) })),
  globalFailures: z.array(failureSchema),
});

type Failure = z.infer<typeof failureSchema>;

/**
 * Parses the JSON written by Mender's jasmine reporter (jasmine-reporter.ts). Counts follow
 * jasmine's summary line: passed and pending specs, and as failures the failed specs, each
 * describe whose hooks failed and each error outside a describe. Excluded specs (left out by
 * `fit`/`fdescribe` focus) are not counted, as jasmine does not count them.
 */
export function parseJasmineJson(text: string, root: string): ParseResult<TestReport> {
  const parsed = parseJsonDocument(text, reportSchema, '{');
  if (!parsed.ok) return { ok: false, error: `jasmine report: ${parsed.error}` };
  const { specs, suiteFailures, globalFailures } = parsed.value;
  const tests: TestCaseResult[] = [];
  for (const spec of specs) {
    const status = statusOf(spec.status);
    if (status === undefined) continue;
    tests.push(toTestCase(spec.path, spec.filename, status, spec.failures, root));
  }
  for (const suite of suiteFailures) tests.push(toTestCase([...suite.path, SUITE_FAILED], suite.filename, 'failed', suite.failures, root));
  for (const failure of globalFailures) tests.push(toTestCase([RUN_FAILED], '', 'failed', [failure], root));
  return { ok: true, report: buildTestReport('jasmine', tests) };
}

function statusOf(status: string): TestStatus | undefined {
  if (status === 'passed') return 'passed';
  if (status === 'failed') return 'failed';
  if (status === 'pending') return 'skipped';
  return undefined;
}

function toTestCase(namePath: string[], filename: string, status: TestStatus, failures: Failure[], root: string): TestCaseResult {
  const file = toRepositoryPath(filename, root);
  const absoluteFile = file === '' ? '' : toRepositoryPath(filename, '');
  // jasmine's stacks do not repeat the message, and mark its own frames as `at <Jasmine>`.
  const messages = failures.map((failure) => stripAnsi(`${failure.message}\n${failure.stack}`));
  const line = messages.map((message) => findLineInStack(message, absoluteFile)).find((found) => found !== undefined);
  const message = messages.map((text) => withoutInternalFrames(text.replace(/^\s+at <Jasmine>\s*$/gm, '').replace(/\n{2,}/g, '\n'))).join('\n\n');
  return createTestCase({ file, namePath, status, line, message });
}
