import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { buildCommandEnvironment, runCommand, type CommandResult } from './command-runner.ts';
import { readPackageScripts, type RepoCommands } from './detect-commands.ts';
import { planTestReporter, readTestReport } from './test-report/runner-detection.ts';
import { planCheck, readCheckReport } from './test-report/check-detection.ts';
import type { CheckReport, TestReport } from './test-report/types.ts';

export interface TestRun {
  command: string;
  report: TestReport;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** The end of the output, where failures usually are. */
  outputTail: string;
  output: string;
  artifact?: string;
}

export type CheckKind = 'typecheck' | 'lint' | 'build' | 'format';

export interface CheckRun {
  kind: CheckKind;
  command: string;
  report: CheckReport;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  outputTail: string;
  output: string;
}

/** Runs a repository's own test and check commands and reads their machine-readable results. */
export interface CheckRunner {
  /** Undefined when the repository has no test command. */
  runTests(root: string, commands: RepoCommands, signal: AbortSignal): Promise<TestRun | undefined>;
  /** Undefined when that command is not configured. */
  runCheck(kind: CheckKind, root: string, commands: RepoCommands, signal: AbortSignal): Promise<CheckRun | undefined>;
}

export interface CheckRunnerOptions {
  timeoutMs: number;
  outputLimitBytes: number;
  /** Report files and the commands' private HOME and TMPDIR live here, outside the worktree. */
  scratchDir: string;
}

const tailCharacters = 4_000;

export function createCheckRunner(options: CheckRunnerOptions): CheckRunner {
  fs.mkdirSync(options.scratchDir, { recursive: true });

  async function run(command: string, root: string, extraEnv: Record<string, string>, signal: AbortSignal): Promise<CommandResult> {
    const home = fs.mkdtempSync(path.join(options.scratchDir, 'home-'));
    try {
      const env = buildCommandEnvironment({ HOME: home, TMPDIR: home, ...extraEnv });
      return await runCommand(command, { cwd: root, env, timeoutMs: options.timeoutMs, outputLimitBytes: options.outputLimitBytes, signal });
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  }

  return {
    async runTests(root, commands, signal) {
      if (!commands.test) return undefined;
      const reportFile = path.join(options.scratchDir, `report-${crypto.randomUUID()}.out`);
      const plan = planTestReporter(commands.test, readPackageScripts(root), reportFile);
      try {
        const result = await run(plan.command, root, plan.env, signal);
        const reportText = fs.existsSync(reportFile) ? fs.readFileSync(reportFile, 'utf8') : undefined;
        const outputTail = result.output.slice(-tailCharacters);
        const report = readTestReport(plan, reportText, result.timedOut ? null : result.exitCode, result.timedOut ? `timed out after ${options.timeoutMs} ms\n${outputTail}` : outputTail, root);
        return { command: commands.test, report, exitCode: result.exitCode, timedOut: result.timedOut, durationMs: Math.round(result.durationMs), outputTail, output: result.output };
      } finally {
        fs.rmSync(reportFile, { force: true });
      }
    },

    async runCheck(kind, root, commands, signal) {
      const command = commands[kind === 'format' ? 'format' : kind];
      if (!command) return undefined;
      const plan = kind === 'typecheck' || kind === 'lint' ? planCheck(kind, command, readPackageScripts(root)) : { tool: 'unknown' as const, command };
      const result = await run(plan.command, root, {}, signal);
      const outputTail = result.output.slice(-tailCharacters);
      const report = readCheckReport(plan.tool, result.output, result.timedOut ? null : result.exitCode, outputTail, root);
      return { kind, command, report, exitCode: result.exitCode, timedOut: result.timedOut, durationMs: Math.round(result.durationMs), outputTail, output: result.output };
    },
  };
}
