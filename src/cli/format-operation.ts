interface OperationSummary {
  id: string;
  type: string;
  status: string;
  repo: string;
  description: string;
  attempts: number;
  maxAttempts: number;
  failureReason?: string | null;
  branch?: string | null;
  updatedAt: string;
}

/** One line per operation, for `mender list`. */
export function formatOperationLine(operation: OperationSummary): string {
  const description = operation.description.split('\n')[0]!.slice(0, 60);
  return `${operation.id}  ${operation.status.padEnd(22)} ${operation.type.padEnd(9)} ${operation.repo.padEnd(14)} ${description}`;
}

/** The detail of one operation, for `mender status`. */
export function formatOperation(operation: OperationSummary & Record<string, unknown>): string {
  const lines = [`${operation.id}  ${operation.type} in ${operation.repo}: ${operation.status}`, `  ${operation.description.split('\n')[0]}`];
  if (operation.branch) lines.push(`  branch: ${operation.branch}`);
  lines.push(`  attempts: ${operation.attempts}/${operation.maxAttempts}`);
  const plan = operation.plan as { summary?: string } | null | undefined;
  if (plan?.summary) lines.push(`  plan: ${plan.summary}`);
  const evidence = operation.evidence as { red?: { status: string; newlyFailing: string[] }; green?: { status: string } } | undefined;
  if (evidence?.red) lines.push(`  red: ${evidence.red.status} (${evidence.red.newlyFailing.join(', ') || 'no new failing test'})`);
  if (evidence?.green) lines.push(`  green: ${evidence.green.status}`);
  const stats = operation.diffStats as { files: number; insertions: number; deletions: number } | null | undefined;
  if (stats) lines.push(`  diff: ${stats.files} files, +${stats.insertions} -${stats.deletions}`);
  const usage = operation.usage as Record<string, { inputTokens: number; outputTokens: number }> | undefined;
  if (usage && Object.keys(usage).length) lines.push(`  tokens: ${Object.entries(usage).map(([role, value]) => `${role} ${value.inputTokens}+${value.outputTokens}`).join(', ')}`);
  if (operation.failureReason) lines.push(`  failed: ${operation.failureReason}`);
  if (operation.status === 'awaiting_approval') lines.push(`  next: mender diff ${operation.id} · mender approve ${operation.id} · mender reject ${operation.id} --comment "…"`);
  if (operation.status === 'awaiting_plan_approval') lines.push(`  next: mender approve ${operation.id} (plan) · mender request-changes ${operation.id} --comment "…"`);
  return lines.join('\n');
}

/** A timeline event as one progress line for `--wait`. */
export function formatEventLine(event: { type: string; data: Record<string, unknown>; at: string }): string {
  const time = event.at.slice(11, 19);
  const data = event.data;
  const detail =
    event.type === 'tool.called'
      ? `${String(data.tool)}${data.ok ? '' : ` → ${String(data.errorCode)}`}`
      : data.to
        ? `→ ${String(data.to)}${data.reason ? `: ${String(data.reason)}` : ''}`
        : data.reason
          ? String(data.reason)
          : '';
  return `${time}  ${event.type}${detail ? `  ${detail}` : ''}`;
}
