import { z } from 'zod';
import type { CheckKind, CheckRunner, CheckRun, TestRun } from '../../workspace/check-runner.ts';
import type { RepoCommands } from '../../workspace/detect-commands.ts';
import { toolError, type Tool, type ToolResult } from '../tool.ts';

export interface TestRunnerToolOptions {
  checks: CheckRunner;
  commands: RepoCommands;
}

const maxFailuresShown = 20;

/** `testRunner__test(pattern?)`: the repository's test command, with results from its reporter. */
function testTool(options: TestRunnerToolOptions): Tool<{ pattern?: string }> {
  return {
    name: 'testRunner__test',
    description: `Run the repository's test suite (${options.commands.test ?? 'not configured'}) and get pass/fail counts and each failure with file, line and message. The whole suite runs; pattern only filters which results are listed.`,
    inputSchema: z.object({ pattern: z.string().max(200).optional().describe('Only list tests whose file or name contains this text.') }),
    kind: 'execute',
    async execute(input, context) {
      if (!options.commands.test) return toolError('not_configured', 'this repository has no test command; ask for one to be configured (commands.test)');
      const run = await options.checks.runTests(context.root, options.commands, context.signal);
      if (!run) return toolError('not_configured', 'no test command');
      if (context.signal.aborted) return toolError('cancelled', 'the operation was cancelled');
      return presentTestRun(run, input.pattern);
    },
  };
}

function presentTestRun(run: TestRun, pattern: string | undefined): ToolResult {
  const matches = (text: string) => !pattern || text.includes(pattern);
  const failures = run.report.failures.filter((failure) => matches(failure.id));
  const lines = [
    `${run.report.failed === 0 && run.exitCode === 0 ? 'PASSED' : 'FAILED'}: ${run.report.passed} passed, ${run.report.failed} failed, ${run.report.skipped} skipped (exit ${run.exitCode ?? 'none'}${run.timedOut ? ', timed out' : ''}, ${run.durationMs} ms)`,
  ];
  if (pattern) {
    const matching = run.report.tests.filter((test) => matches(test.id));
    lines.push(`Tests matching "${pattern}": ${matching.map((test) => `${test.status} ${test.id}`).join('; ') || 'none'}`);
  }
  for (const failure of failures.slice(0, maxFailuresShown)) {
    lines.push(`- ${failure.id}${failure.line ? ` (line ${failure.line})` : ''}\n  ${(failure.message ?? '').split('\n').slice(0, 12).join('\n  ')}`);
  }
  if (failures.length > maxFailuresShown) lines.push(`[… ${failures.length - maxFailuresShown} more failures]`);
  if (!run.report.structured) lines.push(`(no machine-readable report; output tail follows)\n${run.outputTail}`);
  return { ok: true, data: { passed: run.report.passed, failed: run.report.failed, failures: failures.map((failure) => failure.id) }, text: lines.join('\n') };
}

function checkTool(name: string, kind: CheckKind, description: string, options: TestRunnerToolOptions): Tool<Record<string, never>> {
  return {
    name,
    description: `${description} (${options.commands[kind] ?? 'not configured for this repository'}).`,
    inputSchema: z.object({}),
    kind: 'execute',
    async execute(_input, context) {
      const run = await options.checks.runCheck(kind, context.root, options.commands, context.signal);
      if (!run) return toolError('not_configured', `this repository has no ${kind} command`);
      return presentCheckRun(run);
    },
  };
}

function presentCheckRun(run: CheckRun): ToolResult {
  const ok = run.exitCode === 0;
  const lines = [
    `${ok ? 'PASSED' : 'FAILED'}: ${run.report.errors} errors, ${run.report.warnings} warnings (exit ${run.exitCode ?? 'none'}${run.timedOut ? ', timed out' : ''})`,
  ];
  for (const diagnostic of run.report.diagnostics.slice(0, 30)) {
    lines.push(
      `- ${diagnostic.file}${diagnostic.line ? `:${diagnostic.line}` : ''}${diagnostic.column ? `:${diagnostic.column}` : ''} ${diagnostic.severity}${diagnostic.code ? ` ${diagnostic.code}` : ''}: ${diagnostic.message.split('\n')[0]}`,
    );
  }
  if (!run.report.structured && !ok) lines.push(run.outputTail);
  return { ok: true, data: { errors: run.report.errors, warnings: run.report.warnings }, text: lines.join('\n') };
}

/** The testRunner__* tools over a repository's configured commands. */
export function createTestRunnerTools(options: TestRunnerToolOptions): Tool[] {
  return [
    testTool(options),
    checkTool('testRunner__typecheck', 'typecheck', 'Run the type checker and list each error with file, line and message', options),
    checkTool('testRunner__lint', 'lint', 'Run the linter and list each problem with file, line and message', options),
    checkTool('testRunner__build', 'build', 'Run the build', options),
    checkTool('testRunner__formatCheck', 'format', 'Check formatting', options),
  ];
}
