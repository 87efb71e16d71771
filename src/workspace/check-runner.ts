import fs from 'node:fs';
import path from 'node:path';
import { buildCommandEnvironment, runCommand, type CommandResult } from './command-runner.ts';
import { readPackageScripts, type RepoCommands } from './detect-commands.ts';
import { readPackageManifest } from './test-report/package-manifest.ts';
import { planTestChain } from './test-report/expand-script-chain.ts';
import { workspaceFollower } from './test-report/plan-workspace-tests.ts';
import { readTestChain } from './test-report/read-test-chain.ts';
import { planFocusedChain } from './test-report/focus-test-chain.ts';
import type { StepFiles } from './test-report/test-file-owners.ts';
import type { ChainPlan } from './test-report/expand-script-chain.ts';
import { reportersDidNotReach, withUnchangedCommandResult } from './test-report/unchanged-command.ts';
import { planCheck, readCheckReport } from './test-report/check-detection.ts';
import { sandboxCommand, type SandboxSettings } from './sandbox.ts';
import { findDeniedFiles } from './denied-files.ts';
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

export type FocusedTestRun = { ok: true; run: TestRun } | { ok: false; reason: string };

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
  /**
   * Undefined when the repository has no test command. In a workspace (monorepo), `changedPaths`
   * (relative to the root) narrows a workspace-wide test script to the packages they affect.
   */
  runTests(root: string, commands: RepoCommands, signal: AbortSignal, scope?: { changedPaths?: string[] }): Promise<TestRun | undefined>;
  /**
   * The test command's runners on `files` alone (after its build steps): red on the new tests.
   * `ok: false` says why that cannot be planned; the caller then runs the whole suite.
   */
  runChangedTests(
    root: string,
    commands: RepoCommands,
    files: readonly string[],
    signal: AbortSignal,
    baselineSteps?: readonly StepFiles[],
  ): Promise<FocusedTestRun>;
  /** Undefined when that command is not configured. */
  runCheck(kind: CheckKind, root: string, commands: RepoCommands, signal: AbortSignal): Promise<CheckRun | undefined>;
}

export interface CheckRunnerOptions {
  timeoutMs: number;
  outputLimitBytes: number;
  /** Report files and the commands' private HOME and TMPDIR live here, outside the worktree. */
  scratchDir: string;
  /**
   * How commands are isolated; bubblewrap when not given. With bubblewrap unusable, runs are
   * refused with SandboxUnavailableError.
   */
  sandbox?: SandboxSettings;
  /** Folders the sandbox hides besides the worktree's checkout: Mender's data folder (database, tokens). */
  hiddenPaths?: string[];
  /** The deny list: matching files in the worktree are masked inside the sandbox. */
  isDenied?: (relativePath: string) => boolean;
}

const tailCharacters = 4_000;

export function createCheckRunner(options: CheckRunnerOptions): CheckRunner {
  fs.mkdirSync(options.scratchDir, { recursive: true });

  /** A folder of its own per run for HOME, TMPDIR and the report: the only writable place besides the worktree. */
  async function inRunFolder<T>(body: (folder: string) => Promise<T>): Promise<T> {
    const folder = fs.mkdtempSync(path.join(options.scratchDir, 'run-'));
    try {
      return await body(folder);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  }

  async function run(command: string, root: string, extraEnv: Record<string, string>, folder: string, signal: AbortSignal): Promise<CommandResult> {
    const home = path.join(folder, 'home');
    fs.mkdirSync(home);
    const env = buildCommandEnvironment({ HOME: home, TMPDIR: home, ...extraEnv });
    const commandLine = await sandboxCommand(command, options.sandbox ?? { mode: 'bubblewrap' }, {
      worktree: root,
      writablePaths: [folder],
      hiddenPaths: options.hiddenPaths,
      maskedFiles: options.isDenied ? findDeniedFiles(root, options.isDenied) : [],
    });
    return runCommand(commandLine, { cwd: root, env, timeoutMs: options.timeoutMs, outputLimitBytes: options.outputLimitBytes, signal });
  }

  /** Runs a planned chain and reads each step's report. */
  async function runChain(label: string, plan: ChainPlan, root: string, folder: string, signal: AbortSignal): Promise<TestRun> {
    const result = await run(plan.command, root, {}, folder, signal);
    const readReport = (file: string): string | undefined => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
    const outputTail = result.output.slice(-tailCharacters);
    const report = readTestChain(
      plan.steps,
      readReport,
      result.timedOut ? null : result.exitCode,
      result.timedOut ? `timed out after ${options.timeoutMs} ms\n${outputTail}` : outputTail,
      root,
    );
    return {
      command: label,
      report,
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      durationMs: Math.round(result.durationMs),
      outputTail,
      output: result.output,
    };
  }

  return {
    async runTests(root, commands, signal, scope) {
      const testCommand = commands.test;
      if (!testCommand) return undefined;
      const { plan, testRun } = await inRunFolder(async (folder) => {
        // Each runner invocation of the command's chain writes its own report into the run folder.
        const planned = planTestChain(testCommand, readPackageManifest(root), folder, { followWorkspaces: workspaceFollower(root, scope?.changedPaths) });
        return { plan: planned, testRun: await runChain(testCommand, planned, root, folder, signal) };
      });
      if (plan.command === testCommand || !reportersDidNotReach(plan, testRun) || signal.aborted) return testRun;
      // Mender's reporter options reached no runner and the command failed: the changed command
      // may not start the same tests. The unchanged command decides (in a fresh run folder), and
      // the steps say why.
      const unchanged = await inRunFolder((folder) => runChain(testCommand, { command: testCommand, steps: [] }, root, folder, signal));
      return withUnchangedCommandResult(testRun, unchanged);
    },

    async runChangedTests(root, commands, files, signal, baselineSteps) {
      const testCommand = commands.test;
      if (!testCommand) return { ok: false, reason: 'the repository has no test command' };
      return inRunFolder(async (folder) => {
        const focused = planFocusedChain(testCommand, readPackageManifest(root), files, folder, baselineSteps);
        if (!focused.ok) return focused;
        // Named by what it runs: the focused runner steps (the builds before them run too).
        const label = focused.plan.steps.map((step) => step.command).join(' && ');
        const testRun = await runChain(label, focused.plan, root, folder, signal);
        return { ok: true, run: testRun };
      });
    },

    async runCheck(kind, root, commands, signal) {
      const command = commands[kind === 'format' ? 'format' : kind];
      if (!command) return undefined;
      const plan = kind === 'typecheck' || kind === 'lint' ? planCheck(kind, command, readPackageScripts(root)) : { tool: 'unknown' as const, command };
      const result = await inRunFolder((folder) => run(plan.command, root, {}, folder, signal));
      const outputTail = result.output.slice(-tailCharacters);
      const report = readCheckReport(plan.tool, result.output, result.timedOut ? null : result.exitCode, outputTail, root);
      return {
        kind,
        command,
        report,
        exitCode: result.exitCode,
        timedOut: result.timedOut,
        durationMs: Math.round(result.durationMs),
        outputTail,
        output: result.output,
      };
    },
  };
}
