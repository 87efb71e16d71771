import type { EventHub, RecordedEvent } from '../../store/event-hub.ts';
import type { OperationStore } from '../../pipeline/operation-store.ts';
import type { Logger } from '../../logging/logger.ts';
import type { EventType } from '../../domain/operation-vocabulary.ts';
import type { SlackMessenger } from './slack-messenger.ts';
import { cut, escapeMrkdwn } from './slack-blocks.ts';
import { deploymentNotice } from './slack-deployment-notices.ts';
import { selfUpdateNotice } from './slack-self-update-notices.ts';

export interface SlackNotificationsOptions {
  channel: string;
  messenger: SlackMessenger;
  operations: OperationStore;
  log: Logger;
  /** Where the dashboard is, for links to a deployment's page (MENDER_PUBLIC_URL). */
  publicUrl?: string;
  /** Notices within this window after the first are sent as one message (default 2000 ms). */
  batchWindowMs?: number;
}

/** The notice an event deserves in the team channel, or undefined for the many that deserve none. */
async function noticeFor(event: RecordedEvent, operations: OperationStore, publicUrl: string | undefined): Promise<string | undefined> {
  // Deployments first: their events may carry an operation (a merged change shipping) or none.
  if (event.type.startsWith('deployment.')) return deploymentNotice(event, publicUrl);
  if (event.type.startsWith('self_update.')) return selfUpdateNotice(event);
  if (event.type === ('agent.paused' satisfies EventType))
    return `⏸️ Mender was paused by ${event.actor}${typeof event.data.reason === 'string' ? `: ${escapeMrkdwn(event.data.reason)}` : ''}`;
  if (event.type === ('agent.resumed' satisfies EventType)) return `▶️ Mender was resumed by ${event.actor}`;
  if (!event.operationId) return undefined;
  const id = event.operationId;
  const about = async () => {
    const operation = await operations.get(id);
    return `${operation.type} \`${id}\` (${escapeMrkdwn(cut(operation.description.split('\n')[0]!, 80))})`;
  };
  // Cast so each case label must be a declared event type.
  switch (event.type as EventType) {
    case 'plan.created':
      return event.data.to === 'awaiting_plan_approval'
        ? `📋 Plan ready for ${await about()}: ${escapeMrkdwn(cut(String(event.data.summary ?? ''), 200))} — waiting for approval (\`/agent approve ${id}\`)`
        : `📋 Plan ready for ${await about()}: ${escapeMrkdwn(cut(String(event.data.summary ?? ''), 200))}`;
    case 'approval.requested':
      return `🙋 Approval requested for ${await about()}: needs a ${String(event.data.requiredLevel ?? 'team-lead')} (risk ${String(event.data.risk ?? 'unknown')}) — \`/agent approve ${id}\``;
    case 'change.merged':
      return `🎉 Merged ${await about()}`;
    case 'operation.failed':
      return `❌ Failed ${await about()}: ${escapeMrkdwn(cut(String(event.data.reason ?? 'no reason recorded'), 300))}`;
    case 'step.paused':
      return `⏸️ ${await about()} stopped at ${String(event.data.step ?? 'a step')} because Mender is paused`;
    default:
      return undefined;
  }
}

/**
 * Posts plan ready, approval requested, merged, failed and paused notices, and deployments'
 * approvals, promotions, rollbacks, failures and inconclusive watches, to one channel. A burst
 * (several operations, or a pause stopping many steps) becomes one message: the first notice opens
 * a short window and everything that arrives in it is sent together.
 */
export class SlackNotifications {
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  private readonly windowMs: number;

  constructor(private readonly options: SlackNotificationsOptions) {
    this.windowMs = options.batchWindowMs ?? 2000;
  }

  follow(hub: EventHub): () => void {
    return hub.subscribe((event) => {
      void noticeFor(event, this.options.operations, this.options.publicUrl)
        .then((notice) => notice && this.add(notice))
        .catch((error: unknown) => this.options.log.warn('slack notice could not be prepared', { error: (error as Error).message }));
      // Each process notifies for what it recorded: every event once across processes.
    }, 'recorded-here');
  }

  private add(notice: string): void {
    this.pending.push(notice);
    this.timer ??= setTimeout(() => void this.flush(), this.windowMs);
  }

  /** Sends what is pending now; resolves when it was sent (tests, shutdown). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const notices = this.pending.splice(0);
    if (notices.length === 0) return this.sending;
    const text = notices.length === 1 ? notices[0]! : `*${notices.length} updates from Mender*\n${notices.map((notice) => `• ${notice}`).join('\n')}`;
    this.sending = this.sending
      .then(() => this.options.messenger.post({ channel: this.options.channel, text: cut(text, 12_000) }))
      .then(() => undefined)
      .catch((error: unknown) => this.options.log.warn('slack notification failed', { channel: this.options.channel, error: (error as Error).message }));
    return this.sending;
  }
}
