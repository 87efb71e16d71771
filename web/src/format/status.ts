import {
  awaitingStatuses as domainAwaiting,
  operationSources as domainSources,
  operationStatuses as domainStatuses,
  requestableOperationTypes,
  rollbackableStatuses as domainRollbackable,
  terminalStatuses as domainTerminal,
  type OperationStatus,
} from '../../../src/domain/operation-vocabulary.ts';

/** How each status reads, and the tone it is shown in. */
export type Tone = 'neutral' | 'active' | 'waiting' | 'good' | 'bad';

// The words come from the server's vocabulary (a dependency-free module), so the two cannot drift.
// Widened to strings: the dashboard compares them with statuses read from the API.
export const operationStatuses: string[] = [...domainStatuses];
export const terminalStatuses: ReadonlySet<string> = domainTerminal;
export const awaitingStatuses: ReadonlySet<string> = domainAwaiting;
export const rollbackableStatuses: ReadonlySet<string> = domainRollbackable;

/** Types a person may start, the form's default (`fix`) first. */
export const operationTypes: string[] = ['fix', ...requestableOperationTypes.filter((type) => type !== 'fix')];
/** Sources to filter by, the dashboard's own first. */
export const operationSources: string[] = ['dashboard', ...domainSources.filter((source) => source !== 'dashboard')];

// Keyed by the vocabulary's statuses: a new status does not compile until it has a tone.
const tones: Record<OperationStatus, Tone> = {
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
  return tones[status as OperationStatus] ?? 'neutral';
}

export function statusLabel(status: string): string {
  if (status === 'pr_open') return 'PR open';
  return status.replace(/_/g, ' ');
}
