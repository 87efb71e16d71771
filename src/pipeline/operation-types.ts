export const operationTypes = ['debug', 'fix', 'implement', 'refactor'] as const;
export type OperationType = (typeof operationTypes)[number];

export const operationSources = ['cli', 'api', 'dashboard', 'slack', 'github', 'jira', 'sentry', 'detector'] as const;
export type OperationSource = (typeof operationSources)[number];

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
] as const;
export type OperationStatus = (typeof operationStatuses)[number];

export const terminalStatuses: ReadonlySet<OperationStatus> = new Set(['done', 'failed', 'rejected', 'cancelled', 'rolled_back']);


export type ApprovalGate = 'plan' | 'change' | 'deploy';
