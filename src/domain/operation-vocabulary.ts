/**
 * The one source of an operation's vocabulary: its types, sources, statuses, the status sets
 * the code asks about (terminal, awaiting a person, merged-like), the table of allowed status
 * transitions, and the events on its timeline with their data. Server, pipeline, CLI and web
 * derive from here instead of restating the words; the operation store refuses a transition
 * the table lacks.
 *
 * A leaf module: it imports nothing (the web app imports it too, so no Node APIs either).
 */

/** Types a person (or a detector) may ask for. */
export const requestableOperationTypes = ['debug', 'fix', 'implement', 'refactor'] as const;
export type RequestableOperationType = (typeof requestableOperationTypes)[number];

/** Every type an operation row can have: `rollback` is started by Mender to revert a merged one. */
export const operationTypes = [...requestableOperationTypes, 'rollback'] as const;
export type OperationType = (typeof operationTypes)[number];

export const operationSources = ['cli', 'api', 'dashboard', 'slack', 'github', 'jira', 'sentry', 'detector', 'mcp'] as const;
export type OperationSource = (typeof operationSources)[number];

/** In pipeline order; lists and filters show them in this order. */
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

/** Statuses an operation ends in: no step runs for it any more (a person may still retry or roll back). */
export const terminalStatuses: ReadonlySet<OperationStatus> = new Set<OperationStatus>(['done', 'failed', 'rejected', 'cancelled', 'rolled_back']);

/** Statuses in which the operation waits for a person's decision at a gate. */
export const awaitingStatuses: ReadonlySet<OperationStatus> = new Set<OperationStatus>(['awaiting_plan_approval', 'awaiting_approval']);

/** Statuses in which the change has reached the default branch (the issue it fixes counts as fixed). */
export const mergedLikeStatuses: ReadonlySet<OperationStatus> = new Set<OperationStatus>(['merged', 'pr_open', 'deploying', 'monitoring', 'done']);

/** Statuses whose merge a rollback operation can revert; merging the revert moves them to `rolled_back`. */
export const rollbackableStatuses: ReadonlySet<OperationStatus> = new Set<OperationStatus>(['done', 'merged']);

export function isOperationStatus(value: string): value is OperationStatus {
  return (operationStatuses as readonly string[]).includes(value);
}

export function isTerminalStatus(status: string): boolean {
  return terminalStatuses.has(status as OperationStatus);
}

/**
 * Where an operation may go from each status. Every non-terminal status may also end `failed`
 * (a step failed) or `cancelled` (a person cancelled it); those are added below.
 */
const stepTransitions: Record<OperationStatus, readonly OperationStatus[]> = {
  // planning.started; rollback.started (a rollback skips planning)
  queued: ['planning', 'executing'],
  // plan.created: to the plan gate or straight on
  planning: ['awaiting_plan_approval', 'executing'],
  // plan.approved, plan.changes_requested, plan.rejected
  awaiting_plan_approval: ['executing', 'planning', 'rejected'],
  // verification.started; execution.resumed and rollback.started restart execution in place
  executing: ['verifying', 'executing'],
  // verification.passed, verification.failed (next attempt), execution.resumed, a rollback's gate
  verifying: ['reviewing', 'executing', 'merging', 'awaiting_approval'],
  // change.auto_approved, approval.requested, execution.resumed
  reviewing: ['merging', 'awaiting_approval', 'executing'],
  // change.approved, change.changes_requested, change.rejected
  awaiting_approval: ['merging', 'executing', 'rejected'],
  // change.merged; operation.done (reason already_on_default_branch) when the branch adds nothing to merge
  merging: ['merged', 'done'],
  // operation.done (no deploy settings); deployment.started when the repository deploys
  merged: ['done', 'rolled_back', 'deploying', 'monitoring'],
  pr_open: [],
  // deployment.watching (the last environment's canary); operation.done; deployment.rolled_back
  deploying: ['monitoring', 'done', 'rolled_back'],
  // operation.done after the last environment's watch; deployment.rolled_back; self_update.failed (Mender's own version never ran)
  monitoring: ['done', 'rolled_back', 'failed'],
  // operation.rolled_back: a merged change reverted by a rollback operation
  done: ['rolled_back'],
  // operation.retried
  failed: ['queued'],
  rejected: ['queued'],
  cancelled: ['queued'],
  rolled_back: [],
};

/** The transition table: from each status, the statuses it may change to. */
export const operationTransitions: Readonly<Record<OperationStatus, readonly OperationStatus[]>> = Object.fromEntries(
  operationStatuses.map((from) => [from, terminalStatuses.has(from) ? stepTransitions[from] : [...new Set([...stepTransitions[from], 'failed', 'cancelled'])]]),
) as Record<OperationStatus, readonly OperationStatus[]>;

export function isAllowedTransition(from: string, to: string): boolean {
  return isOperationStatus(from) && (operationTransitions[from] as readonly string[]).includes(to);
}

/** A status change the transition table does not allow: a defect in the caller, not a person's mistake. */
export class TransitionNotAllowedError extends Error {
  readonly code = 'transition_not_allowed';
  override name = 'TransitionNotAllowedError';
  constructor(
    readonly operationId: string,
    readonly from: string,
    readonly to: string,
  ) {
    const allowed = isOperationStatus(from) ? operationTransitions[from].join(', ') || 'nothing' : 'nothing (unknown status)';
    super(`operation ${operationId} may not change from ${from} to ${to}: the transition table allows ${from} → ${allowed}`);
  }
}

/** Throws TransitionNotAllowedError unless the table allows `from` → `to`. */
export function assertAllowedTransition(operationId: string, from: string, to: string): void {
  if (!isAllowedTransition(from, to)) throw new TransitionNotAllowedError(operationId, from, to);
}

/**
 * Why an operation ended `done` other than by merging and shipping its change:
 * `already_on_default_branch`: at merge time the branch added nothing (the default branch already
 * had the change), so nothing was merged and the default branch did not move.
 */
export const doneReasons = ['already_on_default_branch'] as const;
export type DoneReason = (typeof doneReasons)[number];

/** What the store adds to the data of every event that changes status. */
interface StatusChange {
  from: OperationStatus;
  to: OperationStatus;
}

type ApprovalGateName = 'plan' | 'change';
type RequiredLevel = 'auto' | 'team-lead' | 'admin' | 'manual-only';
type Role = 'planner' | 'coder' | 'reviewer';

/**
 * The events on an operation's timeline, each with its data. Status-changing events carry
 * `from` and `to`; the rest record progress. Fields that producers pass through from other
 * rooms (evidence, findings) are typed loosely here on purpose: this module imports nothing.
 */
export type OperationEvent =
  | { type: 'operation.created'; data: { type: OperationType; source: OperationSource; description: string } }
  | { type: 'planning.started'; data: StatusChange & { baseCommit: string } }
  | { type: 'plan.created'; data: StatusChange & { summary: string; affectedFiles: string[]; riskLevel: string; gate: string } }
  | { type: 'plan.approved'; data: StatusChange & { comment?: string; role: string } }
  | { type: 'plan.changes_requested'; data: StatusChange & { comment: string } }
  | { type: 'plan.rejected'; data: StatusChange & { comment?: string } }
  | { type: 'execution.resumed'; data: StatusChange & { attemptsUsed: number; was: OperationStatus } }
  | { type: 'rollback.started'; data: StatusChange & { of: string; commits: string; onto: string } }
  | { type: 'verification.started'; data: StatusChange & { attempt: number } }
  | { type: 'verification.passed'; data: StatusChange & { attempt: number; red: string; newlyFailing: unknown; green: string; flags: string[] } }
  | { type: 'verification.failed'; data: StatusChange & { attempt: number; reason: string; red: string; green: string } }
  | {
      type: 'baseline.failed';
      data: StatusChange & { command: string; exitCode: number | null; timedOut: boolean; verdict: string; comparison: Record<string, unknown> };
    }
  | {
      type: 'approval.requested';
      data: StatusChange & { gate: ApprovalGateName; requiredLevel: RequiredLevel; risk: string; reasons: string[] } & Record<string, unknown>;
    }
  | { type: 'change.auto_approved'; data: StatusChange & { risk: string; decision: string } & Record<string, unknown> }
  | { type: 'change.approved'; data: StatusChange & { comment?: string; role: string } }
  | { type: 'change.changes_requested'; data: StatusChange & { comment: string } }
  | { type: 'change.rejected'; data: StatusChange & { comment?: string } }
  | { type: 'change.merged'; data: StatusChange & { into: string; mergeCommit: string; method: string } }
  | { type: 'operation.done'; data: StatusChange & { deployment: string; reason?: DoneReason; note?: string } }
  | { type: 'operation.rolled_back'; data: StatusChange & { by: string; revertCommit: string } }
  | { type: 'operation.failed'; data: StatusChange & { reason: string } & Record<string, unknown> }
  | { type: 'operation.cancelled'; data: StatusChange & { comment?: string } }
  | { type: 'operation.retried'; data: StatusChange }
  // Progress: no status change.
  | { type: 'worktree.created'; data: { branch: string; startPoint: string } }
  | { type: 'baseline.recorded'; data: { command: string; passed: number; failed: number } }
  | { type: 'attempt.started'; data: { attempt: number; of: number } }
  | { type: 'agent.started'; data: { role: Role; model: string } }
  | { type: 'agent.finished'; data: { role: Role; steps: number; stoppedWith: string | null; inputTokens: number; outputTokens: number } }
  | { type: 'model.called'; data: { role: Role; model: string; inputTokens: number; outputTokens: number } }
  | { type: 'tool.called'; data: { tool: string; input: unknown; ok: boolean; errorCode?: string; durationMs: number } }
  | { type: 'step.paused'; data: { step: string } }
  | { type: 'approval.refused'; data: { gate: ApprovalGateName; level: string; reason: string } }
  | { type: 'approval.rechecked'; data: { gate: ApprovalGateName; rule: string; decision: string; recheckAt?: string } & Record<string, unknown> }
  | { type: 'rollback_point.recorded'; data: { branch: string; commit: string } }
  | { type: 'merge.rebasing'; data: { reason: string } }
  | { type: 'merge.reverified'; data: { onto: string; head: string; passed: number } }
  | { type: 'mcp.server_unavailable'; data: { role: Role; problem: unknown } }
  | { type: 'tool_call.approval_requested'; data: { callId: string; tool: string; server: string; input: unknown; timeoutSeconds: number } }
  | { type: 'tool_call.approval_timed_out'; data: { callId: string; tool: string } }
  | { type: 'tool_call.decision_reused'; data: { callId: string; tool: string; decision: string } }
  | { type: 'tool_call.approved'; data: { callId: string; tool: string; comment?: string } }
  | { type: 'tool_call.denied'; data: { callId: string; tool: string; comment?: string } };

/** Events on the same stream that belong to no operation (operationId null). */
export type SystemEvent =
  | { type: 'agent.paused'; data: { paused: true; by: string; at: string; reason?: string } }
  | { type: 'agent.resumed'; data: { paused: false; by: string; at: string } }
  | { type: 'settings.changed'; data: { changes: { key: string; old: unknown; new: unknown }[] } };

export type OperationEventType = OperationEvent['type'];
export type SystemEventType = SystemEvent['type'];
/** Every event type a consumer of the event stream (timeline, SSE, Slack, CLI, forges) can meet. */
export type EventType = OperationEventType | SystemEventType;

/** The data of one event type. */
export type EventData<Type extends EventType> = Extract<OperationEvent | SystemEvent, { type: Type }>['data'];

/** Every event type at run time, so a test can tell a stray literal from a declared one. */
export const eventTypes = [
  'operation.created',
  'planning.started',
  'plan.created',
  'plan.approved',
  'plan.changes_requested',
  'plan.rejected',
  'execution.resumed',
  'rollback.started',
  'verification.started',
  'verification.passed',
  'verification.failed',
  'baseline.failed',
  'approval.requested',
  'change.auto_approved',
  'change.approved',
  'change.changes_requested',
  'change.rejected',
  'change.merged',
  'operation.done',
  'operation.rolled_back',
  'operation.failed',
  'operation.cancelled',
  'operation.retried',
  'worktree.created',
  'baseline.recorded',
  'attempt.started',
  'agent.started',
  'agent.finished',
  'model.called',
  'tool.called',
  'step.paused',
  'approval.refused',
  'approval.rechecked',
  'rollback_point.recorded',
  'merge.rebasing',
  'merge.reverified',
  'mcp.server_unavailable',
  'tool_call.approval_requested',
  'tool_call.approval_timed_out',
  'tool_call.decision_reused',
  'tool_call.approved',
  'tool_call.denied',
  'agent.paused',
  'agent.resumed',
  'settings.changed',
] as const satisfies readonly EventType[];

// Compile-time check that `eventTypes` lists every member of the union (not just some of them).
type MissingEventTypes = Exclude<EventType, (typeof eventTypes)[number]>;
const everyEventTypeListed: [MissingEventTypes] extends [never] ? true : MissingEventTypes = true;
void everyEventTypeListed;
