import type { Database } from '../store/database.ts';
import type { EventHub } from '../store/event-hub.ts';
import { selfUpdateSteps } from '../store/schema.ts';
import type { JobQueue } from '../queue/job-queue.ts';
import type { Redactor } from '../safety/redaction.ts';
import type { Logger } from '../logging/logger.ts';
import type { SelfEvent, SelfState } from '../domain/self-update-vocabulary.ts';
import { writeTimelineEvent } from './operation-store.ts';
import type { OperationRecords } from './pipeline-ports.ts';
import type { SupervisorPort } from './supervisor-port.ts';
import { openRevert } from './open-revert.ts';

export interface SelfUpdateOutcomesDependencies {
  db: Database;
  operations: OperationRecords;
  hub: EventHub;
  queue: JobQueue;
  redactor: Redactor;
  supervisor: SupervisorPort;
  log: Logger;
}

/**
 * The running version's side of a self-update. Each step the supervisor reports (its state file,
 * sent over IPC) is recorded once in this version's database: an audit row and a timeline event
 * (on the operation when there is one), published to the dashboard and Slack. A blessed update
 * ends its operation `done`; a reverted one ends it `rolled_back` and opens a revert of the change
 * for the change gate; one that never ran because it could not be prepared ends it `failed` with a
 * revert too. While a version is on trial, it runs one step through its own queue and database (the
 * `self` queue's `trial` job) and tells the supervisor: one of the conditions of its blessing.
 */
export class SelfUpdateOutcomes {
  private chain: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly dependencies: SelfUpdateOutcomesDependencies) {}

  start(): void {
    const { supervisor, queue } = this.dependencies;
    if (!supervisor.supervised) return;
    queue.process('self', 1, async (job) => this.trialStep(String(job.payload.updateId), (job.payload.operationId as string | null) ?? null));
    this.unsubscribe = supervisor.onState((state) => this.enqueue(state));
    const state = supervisor.state();
    if (state) this.enqueue(state);
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.chain;
  }

  private enqueue(state: SelfState): void {
    this.chain = this.chain
      .then(() => this.apply(state))
      .catch((error: unknown) => this.dependencies.log.error('recording a self-update step failed', { error: (error as Error).message }));
  }

  private async apply(state: SelfState): Promise<void> {
    for (const event of state.events) await this.record(event);
    const current = state.current;
    if (current?.phase === 'probation' && !current.probation.stepCompleted)
      await this.dependencies.queue.add(
        'self',
        'trial',
        { updateId: current.id, operationId: current.operationId },
        { dedupeKey: `self-trial-${current.id}`, maxAttempts: 5 },
      );
  }

  private async record(event: SelfEvent): Promise<void> {
    const { db, redactor, hub } = this.dependencies;
    const recorded = await db.transaction(async (transaction) => {
      const fresh = await transaction.insert(selfUpdateSteps).values({ updateId: event.updateId, type: event.type }).onConflictDoNothing().returning();
      if (!fresh.length) return undefined;
      return writeTimelineEvent(transaction, redactor, {
        operationId: event.operationId,
        actor: 'supervisor',
        type: event.type,
        data: { ...event.data, update: event.updateId, at: event.at },
        subject: event.operationId ? `operation:${event.operationId}` : `self_update:${event.updateId}`,
      });
    });
    if (!recorded) return;
    hub.publish([recorded]);
    if (event.operationId) await this.settle(event, event.operationId);
  }

  /** The operation that asked for the update ends as the update did. */
  private async settle(event: SelfEvent, operationId: string): Promise<void> {
    const { operations, log } = this.dependencies;
    const reason = typeof event.data.reason === 'string' ? event.data.reason : undefined;
    try {
      if (event.type === 'self_update.failed' && event.data.refused === true) {
        // A change to the supervisor or the tests of record, merged by people: it runs once a person restarts the supervisor.
        await operations.transition(operationId, {
          from: ['monitoring'],
          to: 'done',
          actor: 'supervisor',
          event: { type: 'operation.done', data: { selfUpdate: event.updateId, reason, next: 'restart the supervisor from the checkout to run this change' } },
        });
      } else if (event.type === 'self_update.blessed') {
        await operations.transition(operationId, {
          from: ['monitoring'],
          to: 'done',
          actor: 'supervisor',
          event: { type: 'operation.done', data: { selfUpdate: event.updateId } },
        });
      } else if (event.type === 'self_update.reverted' || event.type === 'self_update.failed') {
        const to = event.type === 'self_update.reverted' ? 'rolled_back' : 'failed';
        const original = await operations.transition(operationId, {
          from: ['monitoring'],
          to,
          actor: 'supervisor',
          patch: to === 'failed' ? { failureReason: `the new version of Mender did not start: ${reason ?? 'see the timeline'}` } : {},
          event: { type: to === 'failed' ? 'operation.failed' : 'operation.rolled_back', data: { selfUpdate: event.updateId, reason } },
        });
        // Main holds a change that is not running: a revert brings main back to what runs.
        await openRevert(
          operations,
          original,
          'supervisor',
          `The supervisor ${event.type === 'self_update.reverted' ? 'reverted' : 'could not start'} this version: ${reason ?? ''}`,
        );
      }
    } catch (error) {
      log.warn('a self-update outcome did not move its operation', { operation: operationId, step: event.type, error: (error as Error).message });
    }
  }

  /** One operation step on the version on trial: a job through its queue, an event in its database. */
  private async trialStep(updateId: string, operationId: string | null): Promise<void> {
    const { db, redactor, hub, supervisor, operations } = this.dependencies;
    const data = { update: updateId, reason: 'one step through the queue and the database on the version on trial' };
    if (operationId) await operations.event(operationId, 'mender', { type: 'self_update.trial_step', data });
    else
      hub.publish([
        await db.transaction((transaction) =>
          writeTimelineEvent(transaction, redactor, {
            operationId: null,
            actor: 'mender',
            type: 'self_update.trial_step',
            data,
            subject: `self_update:${updateId}`,
          }),
        ),
      ]);
    supervisor.stepCompleted(operationId ?? updateId);
  }
}
