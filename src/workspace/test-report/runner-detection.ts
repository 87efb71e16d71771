import { commandName, findToolInvocation } from './find-tool-invocation.ts';
import { nodeTestReporterOptions } from './node-test-reporter.ts';
import { parseRunnerReport } from './parse-runner-report.ts';
import { insertIntoCommand, quoteShellArgument } from './shell-command.ts';
import type { TestReport, TestRunner } from './types.ts';

export interface ReporterPlan {
  runner: TestRunner;
  /** The command to run, with reporter arguments added. */
  command: string;
  /** Extra environment; NODE_OPTIONS must be merged with any existing value by the caller. */
  env: Record<string, string>;
  /** Where the runner will write its machine-readable report. */
  reportFile: string;
}

/** Id of the failure that stands for a failed command whose report names no failing test. */
export const COMMAND_FAILURE_ID = '(command)';

/** Recognizes the test runner started by one simple command's words. */
export function identifyTestRunner(words: string[]): 'vitest' | 'jest' | 'mocha' | 'node-test' | undefined {
  for (const [index, word] of words.entries()) {
    const name = commandName(word);
    if (name === 'vitest') return 'vitest';
    if (name === 'jest') return 'jest';
    if (name === 'mocha' || name === '_mocha') return 'mocha';
    if ((name === 'node' || name === 'tsx') && words.slice(index + 1).includes('--test')) return 'node-test';
  }
  return undefined;
}

/**
 * Decides which runner a test command starts (following npm/pnpm/yarn scripts) and how to make
 * it write a machine-readable report to `reportFile`. Unknown runners, and runners that extra
 * arguments cannot reach (not the last command of their script), keep the command unchanged
 * with runner 'unknown': their result is read from the exit code.
 * The caller must create the report file's folder (node:test exits with code 7 when it cannot
 * open the file) and delete any report left by an earlier run.
 */
export function planTestReporter(command: string, scripts: Record<string, string>, reportFile: string): ReporterPlan {
  const unchanged: ReporterPlan = { runner: 'unknown', command, env: {}, reportFile };
  const invocation = findToolInvocation(command, scripts, identifyTestRunner);
  if (invocation === undefined) return unchanged;
  if (invocation.tool === 'node-test') {
    // Options reach node through the environment, wherever it sits in the script.
    return {
      runner: 'node-test',
      command,
      env: { NODE_OPTIONS: nodeTestReporterOptions(reportFile) },
      reportFile,
    };
  }
  if (!invocation.argumentsReachTool) return unchanged;
  const reporterArguments = {
    vitest: ['--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`],
    jest: ['--json', `--outputFile=${reportFile}`],
    mocha: ['--reporter', 'json', '--reporter-option', `output=${reportFile}`],
  }[invocation.tool];
  const text = [...invocation.separators, ...reporterArguments].map(quoteShellArgument).join(' ');
  return {
    runner: invocation.tool,
    command: insertIntoCommand(command, invocation.insertAt, text),
    env: {},
    reportFile,
  };
}

/**
 * Reads the report a planned run wrote. A missing or unreadable report falls back to the exit
 * code; a report that names no failure while the command failed (an unhandled error, a crash,
 * a coverage threshold) gets a `(command failed)` failure so the failure is not lost.
 */
export function readTestReport(
  plan: Pick<ReporterPlan, 'runner'>,
  reportText: string | undefined,
  exitCode: number | null,
  outputTail: string,
  root: string,
): TestReport {
  const failedCommand = exitCode !== 0;
  const commandFailure = {
    id: COMMAND_FAILURE_ID,
    file: '',
    name: '(command failed)',
    status: 'failed' as const,
    message: outputTail,
  };
  const parsed = reportText === undefined ? undefined : parseRunnerReport(plan.runner, reportText, root);
  if (parsed?.ok === true) {
    const report = parsed.report;
    if (!failedCommand || report.failed > 0) return report;
    return {
      ...report,
      failed: report.failed + 1,
      tests: [...report.tests, commandFailure],
      failures: [...report.failures, commandFailure],
    };
  }
  return {
    runner: plan.runner,
    structured: false,
    passed: 0,
    failed: failedCommand ? 1 : 0,
    skipped: 0,
    tests: [],
    failures: failedCommand ? [commandFailure] : [],
  };
}
