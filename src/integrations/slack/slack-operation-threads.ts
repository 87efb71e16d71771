import type { OperationRow, OperationStore } from '../../pipeline/operation-store.ts';
import type { Forge } from '../../forge/forge.ts';
import type { RepoStore } from '../../store/repo-store.ts';
import type { EventHub, RecordedEvent } from '../../store/event-hub.ts';
import type { Logger } from '../../logging/logger.ts';
import type { EventType } from '../../domain/operation-vocabulary.ts';
import type { SlackMessenger } from './slack-messenger.ts';
import type { SlackThreads, SlackThread } from './slack-threads.ts';
import { changeReadyMessage, decidedBlocks, planReadyMessage, progressMessage } from './slack-blocks.ts';

export interface SlackOperationThreadsOptions {
  threads: SlackThreads;
  messenger: SlackMessenger;
  operations: OperationStore;
  repos: RepoStore;
  forge: Forge;
  log: Logger;
  /** Progress edits within this window are merged into one chat.update (default 750 ms). */
  progressDebounceMs?: number;
}

const decisions: Record<string, { gate: 'plan' | 'change'; verb: string }> = {
  'plan.approved': { gate: 'plan', verb: '✅ Plan approved' },
  'plan.changes_requested': { gate: 'plan', verb: '✏️ Changes requested' },
  'plan.rejected': { gate: 'plan', verb: '🚫 Plan rejected' },
  'change.approved': { gate: 'change', verb: '✅ Change approved' },
  'change.changes_requested': { gate: 'change', verb: '✏️ Changes requested' },
  'change.rejected': { gate: 'change', verb: '🚫 Change rejected' },
  'operation.cancelled': { gate: 'plan', verb: '⏹️ Cancelled' },
} satisfies Partial<Record<EventType, { gate: 'plan' | 'change'; verb: string }>>;

/**
 * Keeps each Slack-started operation's thread current from the event hub: ONE progress message,
 * edited as steps advance; a plan-ready or change-ready message with buttons when a gate opens;
 * that message's buttons replaced by the decision once someone decides (in Slack or elsewhere).
 * Calls for one operation run one after another, so edits never overtake each other.
 */
export class SlackOperationThreads {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly pendingProgress = new Set<string>();
  private readonly debounceMs: number;
  private stopped = false;

  constructor(private readonly options: SlackOperationThreadsOptions) {
    this.debounceMs = options.progressDebounceMs ?? 750;
  }

  /** Follows the hub; returns the unsubscribe function. */
  follow(hub: EventHub): () => void {
    return hub.subscribe((event) => {
      if (event.operationId) this.onEvent(event.operationId, event);
      // Each process posts for what it recorded: every event once across processes.
    }, 'recorded-here');
  }

  /** Edits the progress message now, and posts the open gate's message if it is missing (events before the thread existed). */
  refresh(operationId: string): Promise<void> {
    return this.enqueue(operationId, async (thread) => {
      await this.editProgress(thread);
      if (thread.decisionTs) return;
      const { status } = await this.options.operations.get(operationId);
      if (status === 'awaiting_plan_approval') await this.postPlanReady(thread);
      if (status === 'awaiting_approval') await this.postChangeReady(thread);
    });
  }

  /** Stops taking new work and waits for the calls under way (shutdown: the database closes next). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.chains.values()]);
  }

  private onEvent(operationId: string, event: RecordedEvent): void {
    const to = typeof event.data.to === 'string' ? event.data.to : undefined;
    if (to === 'awaiting_plan_approval') void this.enqueue(operationId, (thread) => this.postPlanReady(thread));
    if (to === 'awaiting_approval') void this.enqueue(operationId, (thread) => this.postChangeReady(thread));
    const decision = decisions[event.type];
    if (decision) void this.enqueue(operationId, (thread) => this.markDecided(thread, event, decision.verb));
    this.scheduleProgress(operationId);
  }

  private scheduleProgress(operationId: string): void {
    if (this.pendingProgress.has(operationId)) return;
    this.pendingProgress.add(operationId);
    setTimeout(() => {
      this.pendingProgress.delete(operationId);
      void this.enqueue(operationId, (thread) => this.editProgress(thread));
    }, this.debounceMs).unref();
  }

  private enqueue(operationId: string, work: (thread: SlackThread) => Promise<void>): Promise<void> {
    const previous = this.chains.get(operationId) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (this.stopped) return;
      try {
        const thread = await this.options.threads.of(operationId);
        if (!thread) return; // not started from Slack
        await work(thread);
      } catch (error) {
        this.options.log.warn('slack thread update failed', { operationId, error: (error as Error).message });
      }
    });
    this.chains.set(operationId, next);
    void next.finally(() => {
      if (this.chains.get(operationId) === next) this.chains.delete(operationId);
    });
    return next;
  }

  private async editProgress(thread: SlackThread): Promise<void> {
    if (!thread.progressTs) return;
    const operation = await this.options.operations.get(thread.operationId);
    const message = progressMessage(operation, await this.options.operations.timeline(thread.operationId));
    await this.options.messenger.update({ channel: thread.channel, ts: thread.progressTs, ...message });
  }

  private async repoName(operation: OperationRow): Promise<string> {
    return (await this.options.repos.byId(operation.repoId))?.name ?? operation.repoId;
  }

  private async postPlanReady(thread: SlackThread): Promise<void> {
    const operation = await this.options.operations.get(thread.operationId);
    if (operation.status !== 'awaiting_plan_approval') return;
    const message = planReadyMessage(operation, await this.repoName(operation));
    const { ts } = await this.options.messenger.post({ channel: thread.channel, threadTs: thread.threadTs, ...message });
    await this.options.threads.setDecisionMessage(thread.operationId, ts);
  }

  /** The level the change gate asks for, as recorded on its approval. */
  private async changeLevel(operationId: string): Promise<string> {
    const approvals = await this.options.operations.approvalsOf(operationId);
    return approvals.filter((approval) => approval.gate === 'change').at(-1)?.requiredLevel ?? 'team-lead';
  }

  private async changeReady(operation: OperationRow) {
    const diff = (await this.options.forge.changeRequestOf(operation.id))?.diff ?? '';
    return changeReadyMessage(operation, diff, await this.changeLevel(operation.id));
  }

  private async postChangeReady(thread: SlackThread): Promise<void> {
    const operation = await this.options.operations.get(thread.operationId);
    if (operation.status !== 'awaiting_approval') return;
    const message = await this.changeReady(operation);
    const { ts } = await this.options.messenger.post({ channel: thread.channel, threadTs: thread.threadTs, ...message });
    await this.options.threads.setDecisionMessage(thread.operationId, ts);
  }

  /** Replaces the open decision message's buttons with who decided what. */
  private async markDecided(thread: SlackThread, event: RecordedEvent, verb: string): Promise<void> {
    if (!thread.decisionTs) return;
    const operation = await this.options.operations.get(thread.operationId);
    const gate = event.type.startsWith('change.') || (event.type === 'operation.cancelled' && event.data.from === 'awaiting_approval') ? 'change' : 'plan';
    const original = gate === 'change' ? await this.changeReady(operation) : planReadyMessage(operation, await this.repoName(operation));
    const comment = typeof event.data.comment === 'string' && event.data.comment ? `: ${event.data.comment}` : '';
    const outcome = `${verb} by ${event.actor}${comment}`;
    await this.options.messenger.update({ channel: thread.channel, ts: thread.decisionTs, text: outcome, blocks: decidedBlocks(original.blocks, outcome) });
    await this.options.threads.setDecisionMessage(thread.operationId, null);
  }
}
