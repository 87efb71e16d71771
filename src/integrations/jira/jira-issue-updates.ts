import type { Settings } from '../../config/settings-schema.ts';
import type { OperationStore } from '../../pipeline/operation-store.ts';
import type { EventHub, RecordedEvent } from '../../store/event-hub.ts';
import type { Logger } from '../../logging/logger.ts';
import type { JiraClient } from './jira-client.ts';
import type { JiraIssueLinks } from './jira-issue-links.ts';
import type { EventType } from '../../domain/operation-vocabulary.ts';

interface Update {
  comment: (event: RecordedEvent) => string;
  transition?: keyof Pick<Settings, 'jiraTransitionReview' | 'jiraTransitionDone'>;
}

const updates: Record<string, Update> = {
  'plan.created': {
    comment: (event) =>
      `Plan: ${String(event.data.summary ?? '')}${Array.isArray(event.data.affectedFiles) ? `\nFiles: ${event.data.affectedFiles.join(', ')}` : ''}`,
  },
  'approval.requested': {
    comment: (event) =>
      `The change is verified (a failing test first, then the whole suite green) and waits for approval by a ${String(event.data.requiredLevel ?? 'team-lead')} (risk ${String(event.data.risk ?? 'unknown')}): mender approve ${event.operationId}`,
    transition: 'jiraTransitionReview',
  },
  'change.merged': { comment: (event) => `Merged by Mender (operation ${event.operationId}).`, transition: 'jiraTransitionDone' },
  'operation.failed': { comment: (event) => `Mender could not finish ${event.operationId}: ${String(event.data.reason ?? 'no reason recorded')}` },
  'change.rejected': { comment: (event) => `The change was rejected by ${event.actor}${event.data.comment ? `: ${String(event.data.comment)}` : ''}.` },
  'operation.cancelled': { comment: (event) => `Cancelled by ${event.actor}.` },
} satisfies Partial<Record<EventType, Update>>;

/** Comments on and transitions the Jira issue of each Jira-started operation as it advances. */
export class JiraIssueUpdates {
  private readonly chains = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(private readonly options: { settings: Settings; client: JiraClient; links: JiraIssueLinks; operations: OperationStore; log: Logger }) {}

  follow(hub: EventHub): () => void {
    return hub.subscribe((event) => {
      const update = updates[event.type];
      if (event.operationId && update) this.enqueue(event.operationId, event, update);
      // Each process comments on what it recorded: every event once across processes.
    }, 'recorded-here');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.chains.values()]);
  }

  private enqueue(operationId: string, event: RecordedEvent, update: Update): void {
    const next = (this.chains.get(operationId) ?? Promise.resolve()).then(async () => {
      if (this.stopped) return;
      try {
        const link = await this.options.links.ofOperation(operationId);
        if (!link) return;
        await this.options.client.comment(link.issueKey, update.comment(event));
        if (update.transition) {
          const name = this.options.settings[update.transition];
          const moved = await this.options.client.transition(link.issueKey, name);
          if (moved.applied) await this.options.links.setStatus(operationId, name);
          else this.options.log.warn('jira transition not available', { issue: link.issueKey, wanted: name, available: moved.available });
        }
      } catch (error) {
        this.options.log.warn('jira update failed', { operationId, event: event.type, error: (error as Error).message });
      }
    });
    this.chains.set(operationId, next);
    void next.finally(() => {
      if (this.chains.get(operationId) === next) this.chains.delete(operationId);
    });
  }
}
