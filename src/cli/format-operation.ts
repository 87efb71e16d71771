import { displayId, firstLine } from '../pipeline/evidence-markdown.ts';
import type { FailureSummary, OperationDetail, OperationEvidence, OperationSummary, RunSummary } from '../server/api-types.ts';
import type { EventType } from '../domain/operation-vocabulary.ts';

/** The fields of an operation these lines read (its tests give only these). */
type OperationLineFields = Pick<OperationSummary, 'id' | 'type' | 'status' | 'repo' | 'description' | 'attempts' | 'maxAttempts' | 'updatedAt'> &
  Partial<Pick<OperationSummary, 'failureReason' | 'branch' | 'title'>>;

/** One line per operation, for `mender list`. */
export function formatOperationLine(operation: OperationLineFields): string {
  // The server's one-line title (plan summary, detected error, description); an older server sends none.
  const description = (operation.title ?? operation.description.split('\n')[0]!).slice(0, 60);
  return `${operation.id}  ${operation.status.padEnd(22)} ${operation.type.padEnd(9)} ${operation.repo.padEnd(14)} ${description}`;
}

/** The detail of one operation, for `mender status`. */
export function formatOperation(operation: OperationLineFields & Record<string, unknown>): string {
  const lines = [`${operation.id}  ${operation.type} in ${operation.repo}: ${operation.status}`, `  ${operation.description.split('\n')[0]}`];
  if (operation.branch) lines.push(`  branch: ${operation.branch}`);
  lines.push(`  attempts: ${operation.attempts}/${operation.maxAttempts}`);
  const plan = operation.plan as OperationDetail['plan'] | undefined;
  if (plan?.summary) lines.push(`  plan: ${plan.summary}`);
  lines.push(...evidenceLines(operation.evidence as OperationEvidence | undefined));
  const stats = operation.diffStats as OperationDetail['diffStats'] | undefined;
  if (stats) lines.push(`  diff: ${stats.files} files, +${stats.insertions} -${stats.deletions}`);
  const usage = operation.usage as Record<string, { inputTokens: number; outputTokens: number }> | undefined;
  if (usage && Object.keys(usage).length)
    lines.push(
      `  tokens: ${Object.entries(usage)
        .map(([role, value]) => `${role} ${value.inputTokens}+${value.outputTokens}`)
        .join(', ')}`,
    );
  if (operation.failureReason) lines.push(`  failed: ${operation.failureReason}`);
  if (operation.status === 'awaiting_approval')
    lines.push(`  next: mender diff ${operation.id} · mender approve ${operation.id} · mender reject ${operation.id} --comment "…"`);
  if (operation.status === 'awaiting_plan_approval')
    lines.push(`  next: mender approve ${operation.id} (plan) · mender request-changes ${operation.id} --comment "…"`);
  return lines.join('\n');
}

/** A terminal's worth: the page and the change request list them all. */
const maximumRedTests = 10;

/** Red's tests by name under the chain step that ran them, one line each; green's totals. */
function evidenceLines(evidence: OperationEvidence | undefined): string[] {
  const lines: string[] = [];
  const red = evidence?.red;
  if (red) {
    const run = red.run;
    const fullSuiteMs = red.fullSuiteMs ?? evidence?.baseline?.durationMs;
    const ran = !run
      ? 'not run'
      : red.scope === 'changed-tests'
        ? `the new tests only, ${seconds(run.durationMs)}${fullSuiteMs === undefined ? '' : ` (full suite ${seconds(fullSuiteMs)})`}`
        : red.scope === 'full-suite'
          ? `the whole suite, ${seconds(run.durationMs)}: ${red.scopeReason ?? 'the new tests could not be run on their own'}`
          : `ran ${run.command}, ${seconds(run.durationMs)}`;
    lines.push(`  red: ${red.status} — ${ran}`);
    if (run) lines.push(...redTestLines(run, red.newlyFailing));
    else if (red.newlyFailing.length) lines.push(...red.newlyFailing.slice(0, maximumRedTests).map((id) => `    ✗ ${displayId(id)}`));
  }
  const green = evidence?.green;
  if (green) {
    const totals = green.run ? ` — ${green.run.passed} passed, ${green.run.failed} failed` : '';
    const named = [
      green.newFailures?.length ? `new failures: ${green.newFailures.map(displayId).join(', ')}` : '',
      green.fixed?.length ? `fixed: ${green.fixed.map(displayId).join(', ')}` : '',
    ].filter(Boolean);
    lines.push(`  green: ${green.status}${totals}${named.length ? `; ${named.join('; ')}` : ''}`);
  }
  return lines;
}

function redTestLines(run: RunSummary, newlyFailing: string[]): string[] {
  const ids = new Set(newlyFailing);
  const recorded = (run.failures ?? []).filter((failure) => ids.has(failure.id));
  const failures: FailureSummary[] = [...recorded, ...newlyFailing.filter((id) => !recorded.some((failure) => failure.id === id)).map((id) => ({ id }))];
  const lines: string[] = [];
  let listed = 0;
  const list = (group: FailureSummary[], indent: string): void => {
    for (const failure of group) {
      if (listed >= maximumRedTests) return;
      listed += 1;
      const name = failure.file && failure.name ? `${failure.file} › ${failure.name}` : displayId(failure.id);
      const line = failure.line === undefined ? '' : ` (line ${failure.line})`;
      lines.push(`${indent}✗ ${name}${line}${failure.message ? `: ${firstLine(failure.message, 120)}` : ''}`);
    }
  };
  const steps = run.steps ?? [];
  steps.forEach((step, index) => {
    const read = step.structured
      ? ` (${step.runner}): ${step.passed} passed, ${step.failed} failed`
      : `: read from the exit code: ${step.fallbackReason ?? 'no report'}`;
    lines.push(`    step ${index + 1} \`${step.command}\`${read}`);
    list(
      failures.filter((failure) => failure.step === index),
      '      ',
    );
  });
  list(
    failures.filter((failure) => failure.step === undefined || failure.step >= steps.length),
    '    ',
  );
  if (failures.length > listed) lines.push(`    … and ${failures.length - listed} more`);
  return lines;
}

function seconds(milliseconds: number): string {
  return milliseconds < 1000 ? `${Math.round(milliseconds)} ms` : `${(milliseconds / 1000).toFixed(1)} s`;
}

/** A timeline event as one progress line for `--wait`. */
export function formatEventLine(event: { type: string; data: Record<string, unknown>; at: string }): string {
  const time = event.at.slice(11, 19);
  const data = event.data;
  const detail =
    event.type === ('tool.called' satisfies EventType)
      ? `${String(data.tool)}${data.ok ? '' : ` → ${String(data.errorCode)}`}`
      : data.to
        ? `→ ${String(data.to)}${data.reason ? `: ${String(data.reason)}` : ''}`
        : data.reason
          ? String(data.reason)
          : '';
  return `${time}  ${event.type}${detail ? `  ${detail}` : ''}`;
}
