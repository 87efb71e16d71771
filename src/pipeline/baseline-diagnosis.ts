import type { CheckRunner } from '../workspace/check-runner.ts';
import { COMMAND_FAILURE_ID } from '../workspace/test-report/runner-detection.ts';
import type { RepoCommands } from '../workspace/detect-commands.ts';
import type { BaselineEvidence } from './verify-change.ts';

/** Why the unchanged tree's suite failed, and whether the sandbox or the repository is at fault. */
export interface BaselineDiagnosis {
  command: string;
  exitCode: number | null;
  timedOut: boolean;
  outputTail: string;
  comparison: { ran: false; why: string } | { ran: true; exitCode: number | null; timedOut: boolean; outputTail: string };
  verdict: 'sandbox' | 'repository' | 'unknown';
  reason: string;
}

const reasonTailCharacters = 1_500;

/**
 * A baseline that fails without naming a failing test (a step of a chain, a coverage or size
 * check, a crash, a timeout) leaves nothing to compare a change against: green cannot be proven,
 * and no change can fix the environment. Named failing tests are not this: they are recorded and
 * excluded from new failures by verifyChange.
 */
export function baselineFailsUnexplained(baseline: BaselineEvidence): boolean {
  if (!baseline.command) return false;
  // The report's stand-in for "the command failed" names no test.
  const namedFailures = baseline.failingIds.filter((id) => id !== COMMAND_FAILURE_ID);
  return baseline.timedOut === true || (baseline.exitCode !== 0 && namedFailures.length === 0);
}

export interface DiagnoseOptions {
  root: string;
  commands: RepoCommands;
  baseline: BaselineEvidence;
  sandboxMode: 'bubblewrap' | 'off';
  /** Runs the commands without the sandbox; absent when the settings do not allow it. */
  comparisonChecks?: CheckRunner;
  signal: AbortSignal;
}

/** Runs the suite once outside the sandbox (when allowed) and says who is at fault and what to do. */
export async function diagnoseBaseline(options: DiagnoseOptions): Promise<BaselineDiagnosis> {
  const { baseline } = options;
  const outputTail = baseline.outputTail ?? '';
  const how = baseline.timedOut
    ? 'timed out (raise MENDER_COMMAND_TIMEOUT_SECONDS if it is only slow)'
    : `exits ${baseline.exitCode ?? 'by a signal'} without naming a failing test`;
  const opening = `the test suite fails before any change (${baseline.command} ${how}), so green cannot be proven and no change was attempted`;
  let comparison: BaselineDiagnosis['comparison'];
  let verdict: BaselineDiagnosis['verdict'] = 'unknown';
  let advice: string;
  if (options.sandboxMode === 'off') {
    comparison = { ran: false, why: 'the sandbox is off (MENDER_SANDBOX=off)' };
    verdict = 'repository';
    advice =
      'the repository fails on its own (the sandbox is off): fix its test setup or configure commands.test to a command that passes on the unchanged tree, then retry';
  } else if (!options.comparisonChecks) {
    comparison = { ran: false, why: 'MENDER_BASELINE_COMPARE_UNSANDBOXED is off' };
    advice =
      'set MENDER_BASELINE_COMPARE_UNSANDBOXED=true to let Mender run it once outside the sandbox and tell a sandbox problem from a repository one, or run the command in the checkout yourself, then retry';
  } else {
    const outside = await options.comparisonChecks.runTests(options.root, options.commands, options.signal);
    const exitCode = outside?.exitCode ?? null;
    const timedOut = outside?.timedOut ?? false;
    comparison = { ran: true, exitCode, timedOut, outputTail: outside?.outputTail ?? '' };
    if (exitCode === 0 && !timedOut) {
      verdict = 'sandbox';
      advice =
        'the sandbox is at fault: the same command passes outside the sandbox (exit 0). The output below shows what it could not do inside (usually a write outside the worktree or a network call); set MENDER_SANDBOX=off to run this repository without isolation, or change the suite so it does not need that, then retry';
    } else {
      verdict = 'repository';
      advice = `the repository fails on its own: the same command fails outside the sandbox too (${timedOut ? 'timed out' : `exit ${exitCode ?? 'by a signal'}`}): fix its test setup or configure commands.test to a command that passes on the unchanged tree, then retry`;
    }
  }
  const reason = `${opening}; ${advice}. Output tail:\n${outputTail.slice(-reasonTailCharacters)}`;
  return { command: baseline.command, exitCode: baseline.exitCode, timedOut: baseline.timedOut ?? false, outputTail, comparison, verdict, reason };
}
