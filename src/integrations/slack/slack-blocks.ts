import type { OperationRow } from '../../pipeline/operation-store.ts';
import type { RecordedEvent } from '../../store/event-hub.ts';
import type { Plan } from '../../agent/plan.ts';
import type { OperationEvidence } from '../../pipeline/operation-evidence.ts';
import type { SlackBlocks } from './slack-messenger.ts';

// Block Kit messages Mender posts. Every text that came from outside (task text, plan, diff) is
// cut to Slack's limits: a section's text holds 3000 characters.

export const actionIds = {
  approve: 'mender_approve',
  requestChanges: 'mender_request_changes',
  cancel: 'mender_cancel',
  showDiff: 'mender_show_diff',
  reject: 'mender_reject',
} as const;
export type ActionId = (typeof actionIds)[keyof typeof actionIds];

/** The callback id of the "request changes" modal. */
export const requestChangesCallbackId = 'mender_request_changes_modal';

const sectionLimit = 2900;
const icons: Record<string, string> = { debug: '🔍', fix: '🔧', implement: '🛠️', refactor: '🧹', rollback: '↩️' };

export function cut(text: string, limit = sectionLimit): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** Slack mrkdwn treats &, < and > as markup: outside text is escaped so it cannot ping or link. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function section(text: string): SlackBlocks[number] {
  return { type: 'section', text: { type: 'mrkdwn', text: cut(text) } };
}

function context(text: string): SlackBlocks[number] {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: cut(text) }] };
}

export function operationTitle(operation: Pick<OperationRow, 'id' | 'type'>): string {
  return `${icons[operation.type] ?? '•'} *${operation.type}* \`${operation.id}\``;
}

/** The thread's first message: what was asked, by whom, on which repository. */
export function rootMessage(operation: OperationRow, repoName: string, slackUser: string): { text: string; blocks: SlackBlocks } {
  const firstLine = operation.description.split('\n')[0]!;
  const text = `${operation.type} ${operation.id} on ${repoName}: ${firstLine}`;
  return {
    text: cut(text, 300),
    blocks: [section(`${operationTitle(operation)} on *${escapeMrkdwn(repoName)}*, asked by <@${slackUser}>\n>${escapeMrkdwn(cut(firstLine, 500))}`)],
  };
}

const stages: { status: string; label: string }[] = [
  { status: 'queued', label: 'Queued' },
  { status: 'planning', label: 'Planning' },
  { status: 'awaiting_plan_approval', label: 'Plan approval' },
  { status: 'executing', label: 'Coding, test first (red → green)' },
  { status: 'verifying', label: 'Verifying' },
  { status: 'reviewing', label: 'Review' },
  { status: 'awaiting_approval', label: 'Change approval' },
  { status: 'merging', label: 'Merging' },
  { status: 'merged', label: 'Merged' },
];
const endings: Record<string, string> = {
  done: '✅ Done',
  failed: '❌ Failed',
  rejected: '🚫 Rejected',
  cancelled: '⏹️ Cancelled',
  rolled_back: '↩️ Rolled back',
};

/** The one progress message of an operation, rebuilt from its state and timeline each time it is edited. */
export function progressMessage(operation: OperationRow, timeline: RecordedEvent[]): { text: string; blocks: SlackBlocks } {
  const reached = new Set(['queued']);
  for (const event of timeline) if (typeof event.data.to === 'string') reached.add(event.data.to);
  const lines: string[] = [];
  const ended = endings[operation.status];
  for (const stage of stages) {
    if (!reached.has(stage.status)) {
      if (stage.status === 'awaiting_plan_approval') continue; // only gated plans pass through it
      if (!ended) lines.push(`◻️ ${stage.label}`);
      continue;
    }
    const current = stage.status === operation.status || (stage.status === 'merged' && operation.status === 'done');
    const detail = stage.status === 'executing' && operation.attempts > 0 ? ` (attempt ${operation.attempts}/${operation.maxAttempts})` : '';
    lines.push(`${current && !['merged'].includes(stage.status) ? '⏳' : '✅'} ${stage.label}${detail}`);
  }
  if (ended) lines.push(`${ended}${operation.failureReason ? `: ${escapeMrkdwn(cut(operation.failureReason, 500))}` : ''}`);
  const lastStep = [...timeline]
    .reverse()
    .find((event) => event.type === 'tool.called' || event.type === 'verification.failed' || event.type === 'verification.passed');
  const status = operation.status.replaceAll('_', ' ');
  const blocks: SlackBlocks = [section(`${operationTitle(operation)}: *${status}*\n${lines.join('\n')}`)];
  if (lastStep && !ended) blocks.push(context(`Last step: ${escapeMrkdwn(describeStep(lastStep))}`));
  return { text: `${operation.type} ${operation.id}: ${status}`, blocks };
}

function describeStep(event: RecordedEvent): string {
  if (event.type === 'tool.called') return `${String(event.data.tool ?? event.data.name ?? 'tool')} by the ${event.actor}`;
  return event.type.replace('.', ' ');
}

function button(text: string, actionId: ActionId, operationId: string, style?: 'primary' | 'danger') {
  return { type: 'button' as const, text: { type: 'plain_text' as const, text }, action_id: actionId, value: operationId, ...(style ? { style } : {}) };
}

/** Plan ready: summary, root cause, steps, estimate and files, with [Approve] [Request changes] [Cancel]. */
export function planReadyMessage(operation: OperationRow, repoName: string): { text: string; blocks: SlackBlocks } {
  const plan = operation.plan as Plan | null;
  if (!plan) return { text: `Plan of ${operation.id} is missing`, blocks: [section(`${operationTitle(operation)}: the plan is missing`)] };
  const steps = plan.steps.map((step, index) => `${index + 1}. *${step.type}*: ${escapeMrkdwn(step.description)}`).join('\n');
  const files = plan.affectedFiles.map((file) => `\`${escapeMrkdwn(file)}\``).join(', ');
  const estimate = plan.estimatedMinutes !== undefined ? `about ${plan.estimatedMinutes} min` : 'not estimated';
  return {
    text: `Plan ready for ${operation.type} ${operation.id}: ${cut(plan.summary, 200)}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: `📋 Plan ready: ${operation.type} ${operation.id}` } },
      section(`*Summary:* ${escapeMrkdwn(plan.summary)}\n*Root cause:* ${escapeMrkdwn(plan.rootCause)}`),
      section(`*Steps*\n${steps}`),
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Repository:*\n${escapeMrkdwn(repoName)}` },
          { type: 'mrkdwn', text: `*Risk:*\n${plan.riskLevel}` },
          { type: 'mrkdwn', text: `*Estimate:*\n${estimate}` },
          { type: 'mrkdwn', text: cut(`*Files (${plan.affectedFiles.length}):*\n${files || 'none named'}`, 1900) },
        ],
      },
      {
        type: 'actions',
        block_id: 'mender_plan_decision',
        elements: [
          button('✅ Approve', actionIds.approve, operation.id, 'primary'),
          button('✏️ Request changes', actionIds.requestChanges, operation.id),
          button('Cancel', actionIds.cancel, operation.id, 'danger'),
        ],
      },
    ],
  };
}

/** The first lines of a diff, as a code preview. */
export function diffPreview(diff: string, lines = 30): string {
  const all = diff.split('\n');
  const shown = all.slice(0, lines).join('\n');
  return cut(shown, 2500) + (all.length > lines ? `\n… ${all.length - lines} more lines` : '');
}

/** Change ready: what changed, the evidence, the risk, a code preview, with [Approve] [Show diff] [Reject]. */
export function changeReadyMessage(operation: OperationRow, diff: string, requiredLevel: string): { text: string; blocks: SlackBlocks } {
  const plan = operation.plan as Plan | null;
  const stats = operation.diffStats as { files?: number; insertions?: number; deletions?: number } | null;
  const evidence = operation.evidence as OperationEvidence;
  const red =
    evidence.red?.status === 'confirmed'
      ? `red confirmed (${evidence.red.newlyFailing.length} new failing test${evidence.red.newlyFailing.length === 1 ? '' : 's'})`
      : `red ${evidence.red?.status ?? 'not recorded'}`;
  const green = evidence.green ? `green ${evidence.green.status}${evidence.green.run ? ` (${evidence.green.run.passed} passed)` : ''}` : 'green not recorded';
  const risk = (operation.risk as { level?: string } | null)?.level ?? plan?.riskLevel ?? 'unknown';
  return {
    text: `Change ready for ${operation.type} ${operation.id}: ${cut(plan?.summary ?? operation.description, 200)}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: `✅ Change ready: ${operation.type} ${operation.id}` } },
      section(`*${escapeMrkdwn(plan?.summary ?? operation.description)}*${plan ? `\n*Cause:* ${escapeMrkdwn(plan.rootCause)}` : ''}`),
      {
        type: 'section',
        fields: [
          {
            type: 'mrkdwn',
            text: `*Diff:*\n+${stats?.insertions ?? 0} −${stats?.deletions ?? 0} in ${stats?.files ?? 0} file${stats?.files === 1 ? '' : 's'}`,
          },
          { type: 'mrkdwn', text: `*Tests:*\n${red}, ${green}` },
          { type: 'mrkdwn', text: `*Risk:*\n${risk}` },
          { type: 'mrkdwn', text: `*Approval needs:*\n${requiredLevel}` },
        ],
      },
      section(`*Code preview*\n\`\`\`${escapeMrkdwn(diffPreview(diff))}\`\`\``),
      {
        type: 'actions',
        block_id: 'mender_change_decision',
        elements: [
          button('✅ Approve', actionIds.approve, operation.id, 'primary'),
          button('🔎 Show diff', actionIds.showDiff, operation.id),
          button('Reject', actionIds.reject, operation.id, 'danger'),
        ],
      },
    ],
  };
}

/** A decision message once decided: the same content, its buttons replaced by who decided what. */
export function decidedBlocks(blocks: SlackBlocks, outcome: string): SlackBlocks {
  return [...blocks.filter((block) => block.type !== 'actions'), context(outcome)];
}

/** The modal "Request changes" opens: one text field, the operation carried in private_metadata. */
export function requestChangesModal(operationId: string, channel: string, threadTs: string) {
  return {
    type: 'modal' as const,
    callback_id: requestChangesCallbackId,
    private_metadata: JSON.stringify({ operationId, channel, threadTs }),
    title: { type: 'plain_text' as const, text: 'Request changes' },
    submit: { type: 'plain_text' as const, text: 'Send' },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [
      {
        type: 'input' as const,
        block_id: 'feedback',
        label: { type: 'plain_text' as const, text: `What should change in ${operationId}?` },
        element: { type: 'plain_text_input' as const, action_id: 'comment', multiline: true, min_length: 3, max_length: 2000 },
      },
    ],
  };
}
