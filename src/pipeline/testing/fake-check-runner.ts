import type { CheckKind, CheckRun, CheckRunner, FocusedTestRun, TestRun } from '../../workspace/check-runner.ts';
import type { RepoCommands } from '../../workspace/detect-commands.ts';

/** The repository's commands, answered from a script: each call's result is whatever the test says. */
export interface CheckScript {
  runTests?: (scope: { changedPaths?: string[] } | undefined, call: number) => TestRun | undefined;
  runChangedTests?: (files: readonly string[], call: number) => FocusedTestRun;
  runCheck?: (kind: CheckKind) => CheckRun | undefined;
}

export class FakeCheckRunner implements CheckRunner {
  readonly calls: string[] = [];
  private testCalls = 0;
  private changedCalls = 0;

  constructor(public script: CheckScript = {}) {}

  async runTests(_root: string, _commands: RepoCommands, _signal: AbortSignal, scope?: { changedPaths?: string[] }): Promise<TestRun | undefined> {
    this.calls.push('runTests');
    return this.script.runTests?.(scope, this.testCalls++);
  }

  async runChangedTests(_root: string, _commands: RepoCommands, files: readonly string[]): Promise<FocusedTestRun> {
    this.calls.push('runChangedTests');
    return this.script.runChangedTests?.(files, this.changedCalls++) ?? { ok: false, reason: 'not scripted' };
  }

  async runCheck(kind: CheckKind): Promise<CheckRun | undefined> {
    this.calls.push(`runCheck ${kind}`);
    return this.script.runCheck?.(kind);
  }
}

/** A test command's result: `failing` are test ids `file::name`, the rest of `passing` passed. */
export function testRun(options: { passing?: string[]; failing?: string[]; exitCode?: number }): TestRun {
  const toCase = (id: string, status: 'passed' | 'failed') => {
    const [file = '', name = id] = id.split('::');
    return { id, file, name, status, ...(status === 'failed' ? { message: `${name} failed` } : {}) };
  };
  const passing = (options.passing ?? []).map((id) => toCase(id, 'passed'));
  const failing = (options.failing ?? []).map((id) => toCase(id, 'failed'));
  const exitCode = options.exitCode ?? (failing.length ? 1 : 0);
  return {
    command: 'npm test',
    report: {
      runner: 'vitest',
      structured: true,
      passed: passing.length,
      failed: failing.length,
      skipped: 0,
      tests: [...passing, ...failing],
      failures: failing,
    },
    exitCode,
    timedOut: false,
    durationMs: 5,
    outputTail: '',
    output: '',
  };
}
