import type { EventHub, RecordedEvent } from '../../store/event-hub.ts';
import type { Logger } from '../../logging/logger.ts';
import type { GitHubForge } from './github-forge.ts';
import type { EventType } from '../../domain/operation-vocabulary.ts';

/** The comment (and pull request change) an event of a GitHub operation leads to, if any. */
interface Mirrored {
  comment?: string;
  close?: boolean;
  draft?: boolean;
}

function describe(event: RecordedEvent): Mirrored | undefined {
  const data = event.data as Record<string, string | number | string[] | undefined>;
  const comment = data.comment ? `: ${String(data.comment)}` : '';
  // Cast so each case label must be a declared event type.
  switch (event.type as EventType) {
    case 'plan.created':
      return { comment: `Mender planned operation \`${event.operationId}\`: ${String(data.summary ?? '')}` };
    case 'approval.requested':
      return data.gate === 'plan'
        ? { comment: `The plan awaits approval (${String(data.requiredLevel ?? 'team-lead')}). Comment \`@mender approve\` or \`@mender reject\`.` }
        : {
            comment: `The change is verified and awaits approval (${String(data.requiredLevel)}; risk ${String(data.risk)}). Comment \`@mender approve\` or \`@mender reject\`.`,
          };
    case 'plan.approved':
      return { comment: `Plan approved by ${event.actor}${comment}.` };
    case 'change.approved':
      return { comment: `Approved by ${event.actor}${comment}. Merging.` };
    case 'change.auto_approved':
      return { comment: `Approved by policy (${String(data.decision ?? `risk ${String(data.risk)}`)}). Merging.` };
    case 'change.changes_requested':
      return { comment: `Changes requested by ${event.actor}${comment}. Back to draft while Mender works on them.`, draft: true };
    case 'change.merged':
      return { comment: `Merged into \`${String(data.into)}\` as ${String(data.mergeCommit)}.` };
    case 'operation.failed':
      return { comment: `Operation \`${event.operationId}\` failed: ${String(data.reason ?? 'see Mender')}`, close: true };
    case 'plan.rejected':
    case 'change.rejected':
      return { comment: `Rejected by ${event.actor}${comment}. Closing.`, close: true };
    case 'operation.cancelled':
      return { comment: `Cancelled by ${event.actor}${comment}. Closing.`, close: true };
    case 'operation.retried':
      return { comment: `Retried by ${event.actor}: operation \`${event.operationId}\` starts again from planning.` };
    case 'operation.rolled_back':
      return { comment: `Rolled back by operation \`${String(data.by)}\` (revert ${String(data.revertCommit)}).` };
    default:
      return undefined;
  }
}

/**
 * Mirrors the status of operations on GitHub repositories as comments on their pull request (or
 * the issue they came from), closing the pull request when the operation ends without a merge.
 * Comments of one operation are posted in the order of its events.
 */
export class GitHubStatusMirror {
  private readonly chains = new Map<string, Promise<void>>();
  private unsubscribe?: () => void;

  constructor(
    private readonly forge: GitHubForge,
    private readonly hub: EventHub,
    private readonly log: Logger,
    private readonly attempts = 4,
    private readonly retryDelayMs = 500,
  ) {}

  start(): void {
    this.unsubscribe = this.hub.subscribe((event) => {
      if (!event.operationId) return;
      const mirrored = describe(event);
      if (!mirrored) return;
      const operationId = event.operationId;
      const next = (this.chains.get(operationId) ?? Promise.resolve()).then(() => this.mirror(operationId, event, mirrored));
      this.chains.set(operationId, next);
      void next.finally(() => {
        if (this.chains.get(operationId) === next) this.chains.delete(operationId);
      });
      // Each process mirrors what it recorded: every status once across processes.
    }, 'recorded-here');
  }

  /** Waits for the comments already under way (shutdown). */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    await Promise.all(this.chains.values());
  }

  private async mirror(operationId: string, event: RecordedEvent, mirrored: Mirrored): Promise<void> {
    // Idempotent steps, retried a few times: GitHub answers 5xx now and then.
    let commented = false;
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (mirrored.comment && !commented) {
          if (!(await this.forge.comment(operationId, mirrored.comment))) return;
          commented = true;
        }
        if (mirrored.draft) await this.forge.convertToDraft(operationId);
        if (mirrored.close) await this.forge.closePullRequest(operationId);
        return;
      } catch (error) {
        if (attempt >= this.attempts) {
          // A lost comment must not stop the pipeline; the timeline keeps the truth.
          this.log.warn('could not mirror an event to GitHub', { operationId, event: event.type, attempts: attempt, error: (error as Error).message });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs * 2 ** (attempt - 1)));
      }
    }
  }
}
