/** How each status reads, and the tone it is shown in. */
export type Tone = 'neutral' | 'active' | 'waiting' | 'good' | 'bad';

export const operationStatuses = [
  'queued',
  'planning',
  'awaiting_plan_approval',
  'executing',
  'verifying',
  'reviewing',
  'awaiting_approval',
  'merging',
  'merged',
  'pr_open',
  'deploying',
  'monitoring',
  'done',
  'failed',
  'rejected',
  'cancelled',
  'rolled_back',
];

export const operationTypes = ['fix', 'debug', 'implement', 'refactor'];
export const operationSources = ['dashboard', 'cli', 'api', 'slack', 'github', 'jira', 'sentry', 'detector'];
export const terminalStatuses = new Set(['done', 'failed', 'rejected', 'cancelled', 'rolled_back']);
export const awaitingStatuses = new Set(['awaiting_plan_approval', 'awaiting_approval']);

const tones: Record<string, Tone> = {
  queued: 'neutral',
  planning: 'active',
  executing: 'active',
  verifying: 'active',
  reviewing: 'active',
  merging: 'active',
  deploying: 'active',
  monitoring: 'active',
  awaiting_plan_approval: 'waiting',
  awaiting_approval: 'waiting',
  merged: 'good',
  pr_open: 'good',
  done: 'good',
  failed: 'bad',
  rejected: 'bad',
  cancelled: 'neutral',
  rolled_back: 'neutral',
};

export function statusTone(status: string): Tone {
  return tones[status] ?? 'neutral';
}

export function statusLabel(status: string): string {
  if (status === 'pr_open') return 'PR open';
  return status.replace(/_/g, ' ');
}
