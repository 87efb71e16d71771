import type { ChainPlan } from './expand-script-chain.ts';
import type { TestReport } from './types.ts';

interface RunOutcome {
  exitCode: number | null;
  report: TestReport;
}

/**
 * True when Mender changed the command to add reporters, not one runner wrote its report, and
 * the command failed: then the changed command may not have started the same tests (an option a
 * wrapper rejects, a script that passes no arguments on), and the unchanged command must decide.
 */
export function reportersDidNotReach(plan: ChainPlan, run: RunOutcome): boolean {
  const planned = plan.steps.filter((step) => step.reportFile !== undefined);
  if (planned.length === 0 || run.exitCode === 0) return false;
  const read = run.report.steps?.filter((step) => step.structured) ?? [];
  return read.length === 0;
}

/** The unchanged command's result, with each step saying why it is read from that exit code. */
export function withUnchangedCommandResult<Run extends RunOutcome>(changed: Run, unchanged: Run): Run {
  const reason = `Mender's reporter options reached no runner (no report was written) and the changed command failed (exit ${changed.exitCode ?? 'none'}); the unchanged command was run and its exit code (${unchanged.exitCode ?? 'none'}) decides`;
  const steps = (changed.report.steps ?? []).map((step) => ({ ...step, structured: false, passed: 0, failed: 0, skipped: 0, fallbackReason: reason }));
  return { ...unchanged, report: { ...unchanged.report, steps } };
}
