import { and, desc, eq, ne, notInArray, sql } from 'drizzle-orm';
import type { Database } from '../store/database.ts';
import { inProcessLock, type DecisionLock } from '../store/decision-lock.ts';
import type { EventHub } from '../store/event-hub.ts';
import type { JobQueue } from '../queue/job-queue.ts';
import type { Logger } from '../logging/logger.ts';
import type { CreateOperationInput } from '../pipeline/pipeline.ts';
import { BudgetExceededError } from '../pipeline/pipeline-errors.ts';
import { detectIssueSamples, detectIssues, detectProjects, repos } from '../store/schema.ts';
import { stackTraceText, type EventException } from './detected-event.ts';
import { isActiveOperation, issueStatusForOperation, operationsOfIssues, type LinkedOperation } from './operation-link.ts';
import { writeIssueEvent } from './issue-events.ts';
import type { OperationStatus } from '../domain/operation-vocabulary.ts';
import type { Actor } from '../domain/roles.ts';
import { issueReleaseEvents } from './release-fingerprints.ts';
import type { Severity } from './severity-rules.ts';

/** The one thing triggers need from the pipeline: starting an operation (budgets and all). */
export interface OperationStarter {
  create(input: CreateOperationInput): Promise<{ id: string; status: string }>;
}

export interface TriggerOptions {
  /** How long P2 and P3 issues wait before a fix starts (a resolve meanwhile cancels it). */
  delayMs: Record<'P2' | 'P3', number>;
  /** Wait before trying again when the operation budget (per hour/day) is spent. */
  budgetRetryMs: number;
  /** Failed operations after which an issue waits for a human. */
  maxFailedAttempts: number;
  /** After a failed operation, the next one starts no sooner than this (if the error goes on), so one burst does not use up every attempt. */
  retryCooldownMs: number;
}

export const defaultTriggerOptions: TriggerOptions = {
  delayMs: { P2: 3_600_000, P3: 86_400_000 },
  budgetRetryMs: 600_000,
  maxFailedAttempts: 3,
  retryCooldownMs: 900_000,
};

const closedStatuses = ['resolved', 'fixed'];
// Operations that ended without a change that stands: a later one of these supersedes nothing.
const givenUpStatuses: OperationStatus[] = ['failed', 'rejected', 'cancelled', 'rolled_back'];
// A P0 in one of these is no longer being worked on, so it suppresses nothing.
const inactiveStatuses = ['resolved', 'fixed', 'failed'];
// An issue whose severity did not change is decided again at most this often while events keep coming (storm control).
const reconsiderMs = 30_000;
const detectorActor: Actor = { id: 'detector', name: 'detector', role: 'team-lead' };

/** What a person's "Start fix" came to: an operation, or why none started. */
export type StartByHandResult =
  { outcome: 'started'; operationId: string } | { outcome: 'not_found' } | { outcome: 'refused'; message: string; operationId?: string };

/**
 * What severity and autonomy say to do for an issue: P0/P1 start a fix operation now, P2 in an
 * hour, P3 in a day (durable delayed jobs), P4 is only logged. Storm control: one active
 * operation per issue, an issue waits for a human after 3 failed operations, and a P0 suppresses
 * the lower-severity issues first seen while it is open in the same project. All decisions run
 * one at a time under `lock` — across every Mender process on one PostgreSQL server — so two
 * events of one burst, digested by two web processes, cannot both start an operation, nor can
 * two processes that saw one transition both count it as a failed attempt.
 */
export class IssueTriggers {
  private readonly lastDecided = new Map<string, { severity: string; at: number }>();

  constructor(
    private readonly db: Database,
    private readonly queue: JobQueue,
    private readonly hub: EventHub,
    private readonly starter: OperationStarter,
    private readonly log: Logger,
    private readonly options: TriggerOptions = defaultTriggerOptions,
    private readonly lock: DecisionLock = inProcessLock(),
  ) {}

  /** Decides for one issue; `due` is a scheduled start (P2/P3 delay over, or a budget retry). */
  consider(issueId: string, due = false): Promise<void> {
    return this.serialised(() => this.decide(issueId, due));
  }

  /**
   * After the digest counted new events: decides when the issue is new, regressed or more severe,
   * when its operation ended since (see follow), or when the last decision is older than 30 s.
   */
  considerAfterEvents(issue: { id: string; created: boolean; regressed: boolean; fixFailed?: boolean; severity: string }): Promise<void> {
    const last = this.lastDecided.get(issue.id);
    const changed = issue.created || issue.regressed || issue.fixFailed === true || issue.severity !== last?.severity;
    if (!changed && Date.now() - (last?.at ?? 0) < reconsiderMs) return Promise.resolve();
    if (this.lastDecided.size > 100_000) this.lastDecided.clear();
    this.lastDecided.set(issue.id, { severity: issue.severity, at: Date.now() });
    return this.consider(issue.id);
  }

  /** Keeps an issue's status in step with an operation's transition. */
  operationChanged(operationId: string, to: string): Promise<void> {
    return this.serialised(() => this.follow(operationId, to));
  }

  /** Runs `work` after every earlier decision; a failure is logged, never breaks the chain. */
  serialised(work: () => Promise<void>): Promise<void> {
    return this.lock.run(work).catch((error: unknown) => this.log.error('detector decision failed', { error: (error as Error).message }));
  }

  private async decide(issueId: string, due: boolean): Promise<void> {
    const issue = await this.issueWithRepo(issueId);
    if (!issue) return;
    const row = issue.issue;
    if (closedStatuses.includes(row.status) || row.holdReason) return;
    const operations = await operationsOfIssues(this.db, [row.id]);
    if (activeOperation(row, operations)) return;
    if (row.failedAttempts >= this.options.maxFailedAttempts) {
      await this.setReason(row.id, `waiting for a human: ${row.failedAttempts} fix operations failed`, true);
      return;
    }
    const last = operations[operations.length - 1];
    if (last && Date.now() - new Date(last.updatedAt).getTime() < this.options.retryCooldownMs) {
      const retryAfter = new Date(new Date(last.updatedAt).getTime() + this.options.retryCooldownMs).toISOString();
      if (!row.statusReason?.includes('trying again after'))
        await this.setReason(row.id, `operation ${last.id} ended ${last.status}; trying again after ${retryAfter} if the error goes on`);
      return;
    }
    const severity = row.severity as Severity;
    if (severity !== 'P0') {
      const [p0] = await this.db
        .select({ id: detectIssues.id, title: detectIssues.title })
        .from(detectIssues)
        .where(
          and(
            eq(detectIssues.projectId, row.projectId),
            eq(detectIssues.severity, 'P0'),
            ne(detectIssues.id, row.id),
            notInArray(detectIssues.status, inactiveStatuses),
            sql`${detectIssues.firstSeen} <= ${row.firstSeen.toISOString()}::timestamptz`,
          ),
        )
        .orderBy(desc(detectIssues.firstSeen))
        .limit(1);
      if (p0) {
        if (row.suppressedBy !== p0.id) {
          await this.db
            .update(detectIssues)
            .set({ suppressedBy: p0.id, statusReason: `suppressed: P0 issue ${p0.id} (${p0.title.slice(0, 80)}) is open and this issue appeared during it` })
            .where(eq(detectIssues.id, row.id));
          await this.publish(row.id, 'issue.suppressed', { by: p0.id });
        }
        return;
      }
      if (row.suppressedBy) await this.db.update(detectIssues).set({ suppressedBy: null }).where(eq(detectIssues.id, row.id));
    }
    if (severity === 'P4') {
      await this.setReason(row.id, 'P4: logged for the weekly review; no operation starts');
      return;
    }
    // A failed fix starts the next one at once: the P2/P3 wait was served before the first fix.
    if ((severity === 'P2' || severity === 'P3') && !due && row.status !== 'fix_failed') {
      const delayMs = this.options.delayMs[severity];
      await this.queue.add('detection', 'start-fix', { issueId: row.id }, { delayMs, dedupeKey: `detect-start:${row.id}`, maxAttempts: 5 });
      if (!row.statusReason?.startsWith(`${severity}: a fix starts`))
        await this.setReason(row.id, `${severity}: a fix starts at ${new Date(Date.now() + delayMs).toISOString()} unless the issue is resolved first`);
      return;
    }
    await this.start(row, issue.repoName);
  }

  /**
   * A person starts (or retries) the fix of an issue by hand, on the detector's own path and under
   * its lock: one active operation per issue still holds, and the hold a failed or rejected
   * operation put on the issue is lifted (this is the human it waited for). Errors (the operation
   * budget) reach the caller.
   */
  startByHand(issueId: string, actor: Actor): Promise<StartByHandResult> {
    return this.lock.run(async (): Promise<StartByHandResult> => {
      const issue = await this.issueWithRepo(issueId);
      if (!issue) return { outcome: 'not_found' };
      const row = issue.issue;
      if (row.status === 'resolved')
        return { outcome: 'refused', message: `issue ${row.id} is resolved: a fix starts again if a newer release sends the error again` };
      const active = activeOperation(row, await operationsOfIssues(this.db, [row.id]));
      if (active)
        return {
          outcome: 'refused',
          operationId: active.id,
          message: `operation ${active.id} is already working on issue ${row.id} (${active.status}): wait for it to end, or cancel it first`,
        };
      if (row.holdReason || row.suppressedBy)
        await this.db.update(detectIssues).set({ holdReason: null, suppressedBy: null }).where(eq(detectIssues.id, row.id));
      const operationId = await this.launch(row, issue.repoName, actor);
      this.lastDecided.delete(row.id);
      return { outcome: 'started', operationId };
    });
  }

  private async issueWithRepo(issueId: string): Promise<{ issue: typeof detectIssues.$inferSelect; repoName: string } | undefined> {
    const [issue] = await this.db
      .select({ issue: detectIssues, repoName: repos.name })
      .from(detectIssues)
      .innerJoin(detectProjects, eq(detectProjects.id, detectIssues.projectId))
      .innerJoin(repos, eq(repos.id, detectProjects.repoId))
      .where(eq(detectIssues.id, issueId));
    return issue;
  }

  private async start(row: typeof detectIssues.$inferSelect, repoName: string): Promise<void> {
    try {
      await this.launch(row, repoName, detectorActor);
    } catch (error) {
      if (error instanceof BudgetExceededError) {
        const retryAt = new Date(Date.now() + this.options.budgetRetryMs);
        await this.queue.add(
          'detection',
          'start-fix',
          { issueId: row.id },
          { delayMs: this.options.budgetRetryMs, dedupeKey: `detect-retry:${row.id}`, maxAttempts: 5 },
        );
        // Once per spell on the timeline (the dedupe key keeps it to one retry job per issue, never a storm).
        if (!row.statusReason?.startsWith('operation limit reached'))
          await this.publish(row.id, 'issue.start_deferred', { reason: error.message, retryAt: retryAt.toISOString() });
        await this.setReason(row.id, `operation limit reached (${error.message}); no operation started; trying again at ${retryAt.toISOString()}`);
        this.log.warn('detector could not start a fix: operation budget spent', { issueId: row.id, retryAt: retryAt.toISOString() });
        return;
      }
      await this.setReason(row.id, `could not start a fix: ${(error as Error).message}`);
      this.log.warn('detector could not start a fix', { issueId: row.id, error: (error as Error).message });
    }
  }

  /** Starts the fix operation of an issue (the detector's, or a person's by hand), linked by `errorContext.issueId`. */
  private async launch(row: typeof detectIssues.$inferSelect, repoName: string, actor: Actor): Promise<string> {
    const [sample] = await this.db
      .select()
      .from(detectIssueSamples)
      .where(eq(detectIssueSamples.issueId, row.id))
      .orderBy(desc(detectIssueSamples.id))
      .limit(1);
    const event = (sample?.event ?? {}) as { message?: string; exception?: EventException[] };
    const exception = event.exception ?? [];
    const stack = exception.length ? stackTraceText(exception) : undefined;
    const failedFix =
      row.status === 'fix_failed' && row.failedFixOperationId && row.failedFixRelease
        ? `The fix merged in operation ${row.failedFixOperationId}, release ${row.failedFixRelease.slice(0, 12)}, did not stop this error: ${await issueReleaseEvents(this.db, row.id, row.failedFixRelease)} events from the fixed release.`
        : '';
    const description = [
      `Fix the error Mender detected (issue ${row.id}, ${row.severity} by rule ${row.severityRule}): ${row.title}`,
      row.culprit ? `Culprit: ${row.culprit}` : '',
      `Seen ${row.count} times by ${row.users} users between ${row.firstSeen.toISOString()} and ${row.lastSeen.toISOString()}${row.releases.length ? ` in releases ${row.releases.slice(-5).join(', ')}` : ''}${row.route ? ` on ${row.route}` : ''}.`,
      failedFix,
    ]
      .filter(Boolean)
      .join('\n');
    const operation = await this.starter.create({
      type: 'fix',
      description,
      repo: repoName,
      source: 'detector',
      actor,
      errorContext: { message: row.title, stack, severity: row.severity, issueId: row.id },
    });
    const by = actor.id === detectorActor.id ? '' : ` by ${actor.name}`;
    await this.setReason(row.id, `operation ${operation.id} started${by} (${row.severity}, rule ${row.severityRule})`);
    await this.publish(row.id, 'issue.operation_started', { operationId: operation.id, severity: row.severity, ...(by ? { by: actor.name } : {}) });
    return operation.id;
  }

  private async follow(operationId: string, to: string): Promise<void> {
    const status = issueStatusForOperation(to);
    if (!status) return;
    // `superseded`: a later detector operation is at work on the same issue, or fixed it (after a
    // fix that failed while still watched, the old operation lives on beside the new one). A later
    // one that gave up (failed, rejected, cancelled, rolled back) says nothing against this one: an
    // older operation a person retried, and that merged, fixes the issue though a later attempt failed.
    const gaveUp = sql.join(
      givenUpStatuses.map((status) => sql`${status}`),
      sql`, `,
    );
    const [link] = await this.db
      .execute(
        sql`SELECT operation.error_context->>'issueId' AS issue_id, operation.failure_reason, EXISTS (SELECT 1 FROM operations AS later WHERE later.source = 'detector' AND later.error_context->>'issueId' = operation.error_context->>'issueId' AND (later.created_at, later.id) > (operation.created_at, operation.id) AND later.status NOT IN (${gaveUp})) AS superseded FROM operations AS operation WHERE operation.id = ${operationId} AND operation.source = 'detector'`,
      )
      .then((result) => (result as unknown as { rows: { issue_id: string | null; failure_reason: string | null; superseded: boolean }[] }).rows);
    if (!link?.issue_id || link.superseded) return;
    const [issue] = await this.db.select().from(detectIssues).where(eq(detectIssues.id, link.issue_id));
    if (!issue || issue.status === 'resolved' || issue.status === status) return;
    // The operation whose deployed fix failed says nothing more about the issue: its watch ending
    // (done) must not make the issue fixed, nor its rollback count a second failed attempt. Once a
    // new fix started, `superseded` above says the same for it.
    if (issue.failedFixOperationId === operationId) return;
    const patch: Partial<typeof detectIssues.$inferInsert> = { status, statusReason: `operation ${operationId} is ${to}`, updatedAt: new Date() };
    if (to === 'failed') {
      patch.failedAttempts = issue.failedAttempts + 1;
      patch.statusReason = `operation ${operationId} failed${link.failure_reason ? `: ${link.failure_reason.slice(0, 300)}` : ''}`;
      if (patch.failedAttempts >= this.options.maxFailedAttempts) patch.holdReason = `waiting for a human: ${patch.failedAttempts} fix operations failed`;
    } else if (to === 'rejected' || to === 'cancelled') {
      patch.holdReason = `waiting for a human: operation ${operationId} was ${to}`;
    }
    await this.db.update(detectIssues).set(patch).where(eq(detectIssues.id, issue.id));
    // The operation ended: the next event decides afresh (a retry after the cooldown, unless on hold).
    if (status === 'failed' || status === 'fixed') this.lastDecided.delete(issue.id);
    await this.publish(issue.id, 'issue.status_changed', {
      from: issue.status,
      to: status,
      operationId,
      operationStatus: to,
      reason: patch.holdReason ?? patch.statusReason,
    });
    if (issue.severity === 'P0' && (status === 'fixed' || status === 'failed')) await this.releaseSuppressed(issue.id);
  }

  /** A P0 that is no longer being worked on stops suppressing: its issues are decided again. */
  async releaseSuppressed(p0Id: string): Promise<string[]> {
    const released = await this.db
      .update(detectIssues)
      .set({ suppressedBy: null, statusReason: `was suppressed by P0 issue ${p0Id}` })
      .where(eq(detectIssues.suppressedBy, p0Id))
      .returning({ id: detectIssues.id });
    for (const { id } of released) void this.consider(id);
    return released.map((row) => row.id);
  }

  /** After a restart: statuses follow the latest operation of each issue (events missed while down). */
  async reconcile(): Promise<void> {
    const open = await this.db
      .select({ id: detectIssues.id, status: detectIssues.status })
      .from(detectIssues)
      .where(notInArray(detectIssues.status, ['resolved']));
    const operations = await operationsOfIssues(
      this.db,
      open.map((issue) => issue.id),
    );
    const latest = new Map(operations.map((operation) => [operation.issueId, operation]));
    for (const issue of open) {
      const operation = latest.get(issue.id);
      const status = operation ? issueStatusForOperation(operation.status) : undefined;
      if (operation && status && status !== issue.status) await this.follow(operation.id, operation.status);
    }
  }

  private async setReason(issueId: string, reason: string, hold = false): Promise<void> {
    await this.db
      .update(detectIssues)
      .set({ statusReason: reason, ...(hold ? { holdReason: reason } : {}) })
      .where(eq(detectIssues.id, issueId));
  }

  private async publish(issueId: string, type: string, data: Record<string, unknown>): Promise<void> {
    const recorded = await this.db.transaction((transaction) => writeIssueEvent(transaction, issueId, 'detector', type, data));
    this.hub.publish([recorded]);
  }
}

/** The operation at work on an issue, if any. The one whose deployed fix failed may still be watched (monitoring): it no longer holds the issue. */
export function activeOperation(
  row: Pick<typeof detectIssues.$inferSelect, 'failedFixOperationId'>,
  operations: readonly LinkedOperation[],
): LinkedOperation | undefined {
  return operations.find((operation) => operation.id !== row.failedFixOperationId && isActiveOperation(operation));
}
