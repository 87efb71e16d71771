import type { JobQueue } from '../queue/job-queue.ts';
import { ModelNotConfiguredError } from '../agent/model-not-configured-error.ts';
import { newId } from '../store/ids.ts';
import { decideApproval } from './approvals.ts';
import { PausedError } from './agent-control.ts';
import { SandboxUnavailableError } from '../workspace/sandbox.ts';
import { executeOperation } from './execute-step.ts';
import { mergeOperation } from './merge-step.ts';
import { planOperation } from './plan-step.ts';
import { rollbackOperation } from './rollback-step.ts';
import { openRevert } from './open-revert.ts';
import { recheckChangeGate, type RecheckResult } from './recheck-step.ts';
import { recheckJob } from './change-gate.ts';
import { ForbiddenError, InvalidTransitionError, NotFoundError, OperationFailure } from './pipeline-errors.ts';
import type { PipelineContext } from './pipeline-context.ts';
import type { OperationRow } from './operation-store.ts';
import type { ApprovalLevel } from '../domain/approval-level.ts';
import {
  rollbackableStatuses,
  terminalStatuses,
  type OperationSource,
  type OperationStatus,
  type RequestableOperationType,
} from '../domain/operation-vocabulary.ts';
import type { ErrorContext } from '../agent/task-context.ts';
import type { Actor } from '../domain/roles.ts';
import { operationPriority } from '../domain/operation-priority.ts';
import { mayApprove } from '../safety/approval-authority.ts';
import { changeGateTwoPersonRule } from './self-protection.ts';

export interface CreateOperationInput {
  type: RequestableOperationType;
  description: string;
  repo: string;
  errorContext?: ErrorContext;
  source: OperationSource;
  actor: Actor;
}

type Step = (context: PipelineContext, operationId: string, signal: AbortSignal) => Promise<void>;

const nonTerminal = (status: string) => !terminalStatuses.has(status as OperationStatus);

/**
 * The operation lifecycle: queue handlers drive the automatic steps; the methods here are the
 * human decisions (approve, reject, request changes, cancel, retry).
 */
/** Whether a person may approve the gate an operation waits at, and the rule that decides it. */
export interface ApprovalVerdict {
  gate: 'plan' | 'change';
  level: ApprovalLevel;
  /** `always`: the change touches Mender's self-protected files, so the rule holds whatever the setting. */
  twoPersonRule: boolean | 'always';
  allowed: boolean;
  /** Why not, when not allowed. */
  reason?: string;
}

export class Pipeline {
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly context: PipelineContext,
    private readonly queue: JobQueue,
  ) {}

  start(): void {
    const { settings } = this.context;
    // The kill switch: every running step stops at once (model calls and commands with it).
    this.context.control.onPause(() => {
      for (const controller of this.running.values()) controller.abort(new PausedError('the agent was paused'));
    });
    this.queue.process('planning', settings.planningConcurrency, (job, signal) => this.runStep('plan', planOperation, String(job.payload.operationId), signal));
    this.queue.process('execution', settings.executionConcurrency, (job, signal) =>
      job.name === 'rollback'
        ? this.runStep('rollback', rollbackOperation, String(job.payload.operationId), signal)
        : this.runStep('execute', executeOperation, String(job.payload.operationId), signal),
    );
    this.queue.process('merging', settings.mergingConcurrency, (job, signal) =>
      job.name === 'recheck'
        ? this.recheck(String(job.payload.operationId)).then(() => undefined)
        : this.runStep('merge', mergeOperation, String(job.payload.operationId), signal),
    );
  }

  /**
   * Decides again every change gate that waits for business hours and is due by the policy's
   * clock; the delayed `recheck` jobs do the same one by one. Returns the operations it moved on.
   */
  async recheckWaits(): Promise<string[]> {
    const moved: string[] = [];
    for (const operation of await this.context.operations.nonTerminal()) {
      if (operation.status !== 'awaiting_approval') continue;
      const result = await recheckChangeGate(this.context, operation.id);
      if (result.outcome === 'approved') moved.push(operation.id);
      // A not-due wait keeps its own job; a new wait gets one.
      if (result.outcome === 'still-waiting') await this.scheduleRecheck(operation.id, result.recheckAt);
    }
    return moved;
  }

  private async recheck(operationId: string): Promise<RecheckResult> {
    const result = await recheckChangeGate(this.context, operationId);
    if (result.outcome === 'not-due' || result.outcome === 'still-waiting') await this.scheduleRecheck(operationId, result.recheckAt);
    return result;
  }

  private async scheduleRecheck(operationId: string, recheckAt: string | undefined): Promise<void> {
    const job = recheckJob(this.context, recheckAt);
    if (job) await this.queue.add(job.queue, job.name, { operationId }, job.options);
  }

  async create(input: CreateOperationInput): Promise<OperationRow> {
    const repo = await this.context.repos.byName(input.repo);
    if (!repo) {
      const known = (await this.context.repos.list()).map((row) => row.name);
      throw new NotFoundError(
        `repository "${input.repo}" is not registered${known.length ? ` (registered: ${known.join(', ')})` : ''}: add it with \`mender repo add <path>\` or POST /api/repos`,
      );
    }
    return this.context.operations.create(
      {
        id: newId(),
        repoId: repo.id,
        type: input.type,
        source: input.source,
        // Stored redacted: task text is served by the API, shown in branches and commits.
        description: this.context.redactor.redact(input.description),
        errorContext: input.errorContext ? this.context.redactor.redactValue({ ...input.errorContext }) : null,
        maxAttempts: this.context.settings.maxAttempts,
        priority: operationPriority(input.errorContext?.severity),
        createdBy: input.actor.name,
      },
      input.actor.name,
      { queue: 'planning', name: 'plan' },
      input.source === 'detector'
        ? { perHour: this.context.settings.maxDetectorOperationsPerHour, perDay: this.context.settings.maxDetectorOperationsPerDay, budget: 'detector' }
        : { perHour: this.context.settings.maxOperationsPerHour, perDay: this.context.settings.maxOperationsPerDay, budget: 'people' },
    );
  }

  /** Starts an operation that reverts a merged one's commits, verified and gated like any change. */
  async rollback(id: string, actor: Actor, comment?: string): Promise<OperationRow> {
    const original = await this.context.operations.get(id);
    if (!rollbackableStatuses.has(original.status as OperationStatus) || !original.mergeCommit) {
      throw new InvalidTransitionError(`operation ${id} is ${original.status}; only a merged operation can be rolled back`);
    }
    return openRevert(this.context.operations, original, actor.name, comment);
  }

  async approve(id: string, actor: Actor, comment?: string): Promise<OperationRow> {
    const operation = await this.context.operations.get(id);
    const gate = operation.status === 'awaiting_plan_approval' ? 'plan' : 'change';
    await this.checkApprover(operation, gate, actor);
    if (gate === 'plan') {
      return this.context.operations.transition(id, {
        from: ['awaiting_plan_approval'],
        to: 'executing',
        actor: actor.name,
        event: { type: 'plan.approved', data: { comment, role: actor.role } },
        job: { queue: 'execution', name: 'execute' },
        alsoInTransaction: (executor) => decideApproval(executor, id, 'plan', 'approved', actor.name, comment),
      });
    }
    return this.context.operations.transition(id, {
      from: ['awaiting_approval'],
      to: 'merging',
      actor: actor.name,
      event: { type: 'change.approved', data: { comment, role: actor.role } },
      job: { queue: 'merging', name: 'merge' },
      alsoInTransaction: (executor) => decideApproval(executor, id, 'change', 'approved', actor.name, comment),
    });
  }

  /**
   * Whether `actor` may approve the gate the operation waits at, and whether the two-person rule
   * holds there: what the page shows before anyone presses Approve. Undefined when nothing waits.
   */
  async approvalFor(operation: OperationRow, actor: Actor): Promise<ApprovalVerdict | undefined> {
    if (operation.status !== 'awaiting_plan_approval' && operation.status !== 'awaiting_approval') return undefined;
    return this.approvalVerdict(operation, operation.status === 'awaiting_plan_approval' ? 'plan' : 'change', actor);
  }

  /** Refuses an approval that does not count: role below the gate's level, or the two-person rule. */
  private async checkApprover(operation: OperationRow, gate: 'plan' | 'change', actor: Actor): Promise<void> {
    if (operation.status !== 'awaiting_plan_approval' && operation.status !== 'awaiting_approval') {
      throw new InvalidTransitionError(`operation ${operation.id} is ${operation.status}; nothing waits for approval`);
    }
    const verdict = await this.approvalVerdict(operation, gate, actor);
    if (!verdict.allowed) {
      await this.context.operations.event(operation.id, actor.name, {
        type: 'approval.refused',
        data: { gate, level: verdict.level, reason: verdict.reason! },
      });
      throw new ForbiddenError(verdict.reason);
    }
  }

  private async approvalVerdict(operation: OperationRow, gate: 'plan' | 'change', actor: Actor): Promise<ApprovalVerdict> {
    const pending = (await this.context.operations.approvalsOf(operation.id)).find((approval) => approval.gate === gate && approval.decision === null);
    const level = (pending?.requiredLevel ?? 'team-lead') as ApprovalLevel;
    // A change to Mender's self-protected files needs two people whatever the setting (self-protection.ts).
    const twoPersonRule =
      gate === 'change'
        ? changeGateTwoPersonRule(this.context.settings.twoPersonRule, await this.context.operations.timeline(operation.id))
        : this.context.settings.twoPersonRule;
    const verdict = mayApprove(actor, level, operation.createdBy, twoPersonRule);
    return { gate, level, twoPersonRule, allowed: verdict.ok, ...(!verdict.ok && { reason: verdict.reason }) };
  }

  async reject(id: string, actor: Actor, comment?: string): Promise<OperationRow> {
    const operation = await this.context.operations.get(id);
    const gate = operation.status === 'awaiting_plan_approval' ? 'plan' : 'change';
    const row = await this.context.operations.transition(id, {
      from: ['awaiting_plan_approval', 'awaiting_approval'],
      to: 'rejected',
      actor: actor.name,
      event: { type: gate === 'plan' ? 'plan.rejected' : 'change.rejected', data: { comment } },
      alsoInTransaction: async (executor) => {
        await decideApproval(executor, id, gate, 'rejected', actor.name, comment);
        await this.context.forge.closeChangeRequest(executor, id, 'closed');
      },
    });
    await this.cleanUp(row);
    return row;
  }

  async requestChanges(id: string, actor: Actor, comment: string): Promise<OperationRow> {
    const operation = await this.context.operations.get(id);
    if (operation.status === 'awaiting_plan_approval') {
      return this.context.operations.transition(id, {
        from: ['awaiting_plan_approval'],
        to: 'planning',
        actor: actor.name,
        patch: { feedback: comment },
        event: { type: 'plan.changes_requested', data: { comment } },
        job: { queue: 'planning', name: 'plan' },
        alsoInTransaction: (executor) => decideApproval(executor, id, 'plan', 'changes_requested', actor.name, comment),
      });
    }
    return this.context.operations.transition(id, {
      from: ['awaiting_approval'],
      to: 'executing',
      actor: actor.name,
      patch: { feedback: comment, attempts: 0 },
      event: { type: 'change.changes_requested', data: { comment } },
      job: { queue: 'execution', name: 'execute' },
      alsoInTransaction: (executor) => decideApproval(executor, id, 'change', 'changes_requested', actor.name, comment),
    });
  }

  async cancel(id: string, actor: Actor, comment?: string): Promise<OperationRow> {
    const operation = await this.context.operations.get(id);
    if (!nonTerminal(operation.status)) throw new InvalidTransitionError(`operation ${id} is already ${operation.status}`);
    const row = await this.context.operations.transition(id, {
      from: [operation.status as OperationStatus],
      to: 'cancelled',
      actor: actor.name,
      event: { type: 'operation.cancelled', data: { comment } },
      alsoInTransaction: async (executor) => {
        for (const gate of ['plan', 'change'] as const) await decideApproval(executor, id, gate, 'cancelled', actor.name, comment);
        await this.context.forge.closeChangeRequest(executor, id, 'closed');
      },
    });
    this.running.get(id)?.abort(new Error('cancelled'));
    if (!this.running.has(id)) await this.cleanUp(row);
    return row;
  }

  /** Starts a failed, cancelled or rejected operation again; `feedback` goes to its next planner and coder. */
  async retry(id: string, actor: Actor, feedback?: string): Promise<OperationRow> {
    const operation = await this.context.operations.get(id);
    return this.context.operations.transition(id, {
      from: ['failed', 'cancelled', 'rejected'],
      to: 'queued',
      actor: actor.name,
      patch: {
        attempts: 0,
        plan: null,
        planMarkdown: null,
        baseCommit: null,
        headCommit: null,
        evidence: {},
        review: null,
        failureReason: null,
        feedback: feedback ?? null,
        diffStats: null,
      },
      event: { type: 'operation.retried', data: feedback ? { feedback } : undefined },
      job: operation.rollbackOf ? { queue: 'execution', name: 'rollback' } : { queue: 'planning', name: 'plan' },
    });
  }

  /**
   * Runs an automatic step; a failure the operation cannot recover from ends it `failed` with the
   * reason. While the agent is paused no step starts; a step the pause stopped runs again on resume.
   */
  private async runStep(name: string, step: Step, operationId: string, queueSignal: AbortSignal): Promise<void> {
    for (;;) {
      // Shutting down while paused rejects here: the job goes back to the queue for after restart.
      await this.context.control.whenRunning(queueSignal);
      const controller = new AbortController();
      this.running.set(operationId, controller);
      const signal = AbortSignal.any([queueSignal, controller.signal]);
      try {
        await this.context.metrics.timeStep(name, () => step(this.context, operationId, signal));
        return;
      } catch (error) {
        // Shutting down: leave the job to be retried after restart.
        if (queueSignal.aborted) throw error;
        if (controller.signal.reason instanceof PausedError) {
          await this.context.operations.event(operationId, 'mender', { type: 'step.paused', data: { step: name } });
          continue;
        }
        if (controller.signal.aborted) return;
        const known =
          error instanceof OperationFailure ||
          error instanceof ModelNotConfiguredError ||
          error instanceof NotFoundError ||
          error instanceof SandboxUnavailableError;
        // An unexpected error's text (a database's, a library's) is for the log, not the page.
        const reason = known
          ? (error as Error).message
          : `internal error in ${name}: Mender's log has the details (look for "step failed" with operation ${operationId}); retry the operation`;
        if (!known) this.context.log.error('step failed', { step: name, operationId, error: (error as Error).stack });
        await this.fail(operationId, reason);
        return;
      } finally {
        // The next step's job may already have started and registered its own controller.
        if (this.running.get(operationId) === controller) this.running.delete(operationId);
        const operation = await this.context.operations.get(operationId).catch(() => undefined);
        if (operation && operation.status === 'cancelled') await this.cleanUp(operation);
      }
    }
  }

  private async fail(operationId: string, reason: string): Promise<void> {
    const operation = await this.context.operations.get(operationId);
    if (!nonTerminal(operation.status)) return;
    const row = await this.context.operations.transition(operationId, {
      from: [operation.status as OperationStatus],
      to: 'failed',
      actor: 'mender',
      patch: { failureReason: reason },
      event: { type: 'operation.failed', data: { reason } },
      alsoInTransaction: (executor) => this.context.forge.closeChangeRequest(executor, operationId, 'closed'),
    });
    await this.cleanUp(row);
  }

  /** Removes the worktree and an unmerged branch of an operation that ended. */
  private async cleanUp(operation: OperationRow): Promise<void> {
    const row = await this.context.repos.byId(operation.repoId);
    if (!row) return;
    // This process's copy of the repository; one it cannot reach has nothing of the operation here.
    const where = this.context.checkouts ? await this.context.checkouts.locate(row).catch(() => undefined) : row.path;
    if (where === undefined) return;
    const repo = { ...row, path: where };
    await this.context.worktrees.remove(repo.path, operation.id);
    if (operation.branch && !operation.mergeCommit) await this.context.forge.deleteBranch(repo, operation.branch);
  }
}
