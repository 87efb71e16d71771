import type { TestStepResult } from '../workspace/test-report/types.ts';
import type { OperationEvidence } from './operation-evidence.ts';
import type { AttemptEvidence, FailureSummary, RunSummary } from './verify-change.ts';

/** Enough to read in a change request; the operation page has them all. */
const maximumListedTests = 20;
const maximumMessageCharacters = 160;

const redStatusText: Record<AttemptEvidence['red']['status'], string> = {
  confirmed: 'the new tests fail on the old code',
  missing: 'the change adds or changes no test',
  not_failing: 'the new tests do not fail on the old code',
  skipped: 'not run',
};

/**
 * The evidence as Markdown for the change request and the reviewer: the baseline, red's tests by
 * name per step of the test command's chain with a one-line message each, what red ran beside
 * the full suite's time, green's totals with its new failures and fixed tests by name, the checks.
 * Test names and messages go in code spans so they cannot write Markdown (or links) of their own.
 */
export function evidenceMarkdown(evidence: OperationEvidence): string {
  const lines: string[] = [];
  const { baseline, red, green } = evidence;
  if (baseline) {
    const how = baseline.structured === false ? ' (read from the exit code)' : '';
    lines.push(
      `**Baseline** (before any change): ${code(baseline.command || 'no test command')} — ${baseline.passed} passed, ${baseline.failed} failed · ${duration(baseline.durationMs)}${how}`,
    );
    if (baseline.failingIds.length > 0) lines.push(`- Failing before any change (not counted against the change): ${testNames(baseline.failingIds)}`);
  }
  if (red) lines.push('', ...redLines(red, baseline?.durationMs));
  if (green) lines.push('', ...greenLines(green));
  const checks = Object.entries(evidence.checks ?? {});
  if (checks.length > 0) lines.push('', '**Checks**', ...checks.map(([kind, check]) => `- ${kind}: ${check.status} (${check.errors} errors)`));
  const attempts = evidence.attempts?.length ?? 0;
  if (attempts > 1) lines.push('', `Verified on attempt ${attempts}.`);
  return lines.join('\n').trim();
}

function redLines(red: AttemptEvidence['red'], baselineMs: number | undefined): string[] {
  const lines = [`**Red: ${red.status}** (the new tests against the old code) — ${redStatusText[red.status]}`];
  const run = red.run;
  if (!run) return lines;
  const fullSuiteMs = red.fullSuiteMs ?? baselineMs;
  const beside = fullSuiteMs === undefined ? '' : `, full suite ${duration(fullSuiteMs)} at baseline`;
  if (red.scope === 'changed-tests') lines.push(`- Ran the new tests only: ${code(run.command)} — ${duration(run.durationMs)}${beside}`);
  else if (red.scope === 'full-suite')
    lines.push(`- Ran the whole suite: ${red.scopeReason ?? 'the new tests could not be run on their own'} — ${duration(run.durationMs)}`);
  else lines.push(`- Ran ${code(run.command)} — ${duration(run.durationMs)}${beside}`);
  const newlyFailing = new Set(red.newlyFailing);
  const redTests = run.failures.filter((failure) => newlyFailing.has(failure.id));
  // The run keeps at most 50 failures: a newly failing test beyond them is still named.
  const unrecorded = red.newlyFailing.filter((id) => !redTests.some((failure) => failure.id === id)).map((id) => ({ id }));
  lines.push(...failuresByStep(run, [...redTests, ...unrecorded]));
  const before = run.failures.length - redTests.length;
  if (before > 0) lines.push(`- ${before} failing before any change, not counted as red`);
  return lines;
}

/** Each step as a list item, its failing tests nested under it; at most `maximumListedTests` tests in all. */
function failuresByStep(run: RunSummary, failures: FailureSummary[]): string[] {
  const lines: string[] = [];
  let listed = 0;
  const list = (group: FailureSummary[], indent: string): void => {
    for (const failure of group) {
      if (listed >= maximumListedTests) return;
      listed += 1;
      lines.push(`${indent}${failureLine(failure)}`);
    }
  };
  const steps = run.steps ?? [];
  steps.forEach((step, index) => {
    lines.push(stepLine(step, index));
    list(
      failures.filter((failure) => failure.step === index),
      '  ',
    );
  });
  list(
    failures.filter((failure) => failure.step === undefined || failure.step >= steps.length),
    '',
  );
  if (failures.length > listed) lines.push(`- … and ${failures.length - listed} more`);
  return lines;
}

function stepLine(step: TestStepResult, index: number): string {
  const through = step.scripts.length > 0 ? ` (script ${step.scripts.join(' > ')})` : '';
  const read = step.structured
    ? `${step.runner} · ${step.passed} passed, ${step.failed} failed, ${step.skipped} skipped`
    : `read from the exit code: ${step.fallbackReason ?? 'no report'}`;
  return `- Step ${index + 1}: ${code(step.command)}${through} · ${read}`;
}

function failureLine(failure: FailureSummary): string {
  const name = failure.file && failure.name ? `${failure.file} › ${failure.name}` : displayId(failure.id);
  const line = failure.line === undefined ? '' : ` (line ${failure.line})`;
  const message = failure.message ? `: ${code(firstLine(failure.message))}` : '';
  return `- ✗ ${code(name)}${line}${message}`;
}

function greenLines(green: AttemptEvidence['green']): string[] {
  const totals = green.run ? `${green.run.passed} passed, ${green.run.failed} failed · ${duration(green.run.durationMs)}` : 'not run';
  const lines = [`**Green: ${green.status}** (the whole suite with the change) — ${totals}`];
  // Steps read from the exit code say so: their tests are not among the totals.
  (green.run?.steps ?? []).forEach((step, index) => {
    if (!step.structured) lines.push(stepLine(step, index));
  });
  lines.push(`- New failures: ${green.newFailures.length > 0 ? testNames(green.newFailures) : 'none'}`);
  if (green.stillFailing.length > 0) lines.push(`- Still failing (red tests the change did not fix): ${testNames(green.stillFailing)}`);
  if (green.fixed?.length) lines.push(`- Fixed (failing before any change, passing now): ${testNames(green.fixed)}`);
  if (green.failingBefore?.length) lines.push(`- Failing before any change, still failing (excluded): ${testNames(green.failingBefore)}`);
  return lines;
}

/** Ids as readable names, bounded. */
function testNames(ids: string[]): string {
  const shown = ids.slice(0, maximumListedTests).map((id) => code(displayId(id)));
  return ids.length > shown.length ? `${shown.join(', ')} … and ${ids.length - shown.length} more` : shown.join(', ');
}

/** `file::name` → `file › name`, as the page shows it. */
export function displayId(id: string): string {
  const separator = id.indexOf('::');
  if (separator < 0) return id;
  const file = id.slice(0, separator);
  const name = id.slice(separator + 2);
  return file ? `${file} › ${name}` : name;
}

/** A runner's message cut to its first non-empty line, at most `maximum` characters. */
export function firstLine(message: string, maximum = maximumMessageCharacters): string {
  const line =
    message
      .split('\n')
      .find((part) => part.trim() !== '')
      ?.trim() ?? '';
  return line.length > maximum ? `${line.slice(0, maximum - 1)}…` : line;
}

/** A code span; backticks become quotes so the span cannot be closed early. */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\s+/g, ' ')}\``;
}

function duration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
  const seconds = milliseconds / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${(seconds / 60).toFixed(1)} min`;
}
