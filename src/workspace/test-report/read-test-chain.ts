import path from 'node:path';
import type { PlannedStep } from './expand-script-chain.ts';
import { parseRunnerReport } from './parse-runner-report.ts';
import { rebasePackageReport } from './rebase-package-report.ts';
import { COMMAND_FAILURE_ID } from './runner-detection.ts';
import type { TestCaseResult, TestReport, TestStepResult } from './types.ts';

/**
 * Joins the reports of a chain's steps into one TestReport. A step whose report is missing or
 * unreadable is kept as a step read from the exit code, with the reason. When the command failed
 * and no step names a failing test, a `(command failed)` failure says which steps could not be
 * read, so the failure is not lost.
 */
export function readTestChain(
  steps: PlannedStep[],
  readReport: (file: string) => string | undefined,
  exitCode: number | null,
  outputTail: string,
  root: string,
): TestReport {
  const results: TestStepResult[] = [];
  const reports: TestReport[] = [];
  for (const step of steps) {
    const base = { command: step.command, scripts: step.scripts, runner: step.runner };
    if (step.reportFile === undefined) {
      results.push({ ...base, structured: false, passed: 0, failed: 0, skipped: 0, fallbackReason: step.fallbackReason ?? 'no runner Mender can read' });
      continue;
    }
    const text = readReport(step.reportFile);
    // A workspace package's runner ran in its folder and reports paths from there.
    const parsed = text === undefined ? undefined : parseRunnerReport(step.runner, text, step.directory === undefined ? root : path.join(root, step.directory));
    if (parsed?.ok !== true) {
      const reason =
        parsed === undefined
          ? 'the runner wrote no report (it did not run, or the added reporter options did not reach it)'
          : `its report could not be read: ${parsed.error}`;
      results.push({ ...base, structured: false, passed: 0, failed: 0, skipped: 0, fallbackReason: reason });
      continue;
    }
    // Each test knows its step: a chain may run the same file twice (one jest per TZ).
    const index = results.length;
    const tag = (test: TestCaseResult): TestCaseResult => ({ ...test, step: index });
    const own = step.directory === undefined ? parsed.report : rebasePackageReport(parsed.report, step.directory, root);
    reports.push({ ...own, tests: own.tests.map(tag), failures: own.failures.map(tag) });
    results.push({ ...base, structured: true, passed: parsed.report.passed, failed: parsed.report.failed, skipped: parsed.report.skipped });
  }
  const structuredSteps = results.filter((result) => result.structured);
  const tests = reports.flatMap((report) => report.tests);
  const failures = reports.flatMap((report) => report.failures);
  const runners = [...new Set(structuredSteps.map((result) => result.runner))];
  const report: TestReport = {
    runner: runners.length === 1 ? (runners[0] ?? 'unknown') : 'unknown',
    structured: structuredSteps.length > 0,
    passed: sum(reports, 'passed'),
    failed: sum(reports, 'failed'),
    skipped: sum(reports, 'skipped'),
    tests,
    failures,
    steps: results,
  };
  if (exitCode === 0 || report.failed > 0) return report;
  const unread = results.filter((result) => !result.structured);
  const reasons = unread.map(
    (result) => `step \`${result.command}\`${result.scripts.length > 0 ? ` (script ${result.scripts.join(' > ')})` : ''}: ${result.fallbackReason ?? ''}`,
  );
  const commandFailure = {
    id: COMMAND_FAILURE_ID,
    file: '',
    name: '(command failed)',
    status: 'failed' as const,
    message: [...reasons, outputTail].filter((part) => part !== '').join('\n'),
  };
  return { ...report, failed: report.failed + 1, tests: [...tests, commandFailure], failures: [...failures, commandFailure] };
}

function sum(reports: TestReport[], key: 'passed' | 'failed' | 'skipped'): number {
  return reports.reduce((total, report) => total + report[key], 0);
}
