import { and, asc, eq, gt, notInArray, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Database, type Executor } from '../store/database.ts';
import { approvals, artifacts, events, operations } from '../store/schema.ts';
import { appendAudit } from '../store/audit-log.ts';
import { lockEventOrder } from '../store/event-order-lock.ts';
import type { EventHub, RecordedEvent } from '../store/event-hub.ts';
import { newId } from '../store/ids.ts';
import type { JobOptions, JobQueue, QueueName } from '../queue/job-queue.ts';
import type { Redactor } from '../safety/redaction.ts';
import { BudgetExceededError, InvalidTransitionError, NotFoundError } from './pipeline-errors.ts';
import { assertAllowedTransition, terminalStatuses, type OperationStatus } from '../domain/operation-vocabulary.ts';
import { advisoryLockIds } from '../store/advisory-lock-ids.ts';
import { searchCondition, sortOrder, type OperationSortKey, type SortOrder } from './operation-list-order.ts';

export type OperationRow = typeof operations.$inferSelect;
export type OperationPatch = Partial<Omit<typeof operations.$inferInsert, 'id' | 'createdAt'>>;
/** What `create` takes: an operation's fields but its status, which always starts as queued. */
export type NewOperation = Omit<typeof operations.$inferInsert, 'status'>;
export type ApprovalRow = typeof approvals.$inferSelect;

export interface EventInput {
  type: string;
  data?: Record<string, unknown>;
}

export interface JobRequest {
  queue: QueueName;
  name: string;
  options?: JobOptions;
}

/**
 * How many operations may start per hour and per day, counted within one budget: the detector's
 * operations (source 'detector') and people's (every other source) never count against each other.
 */
export interface StartLimits {
  perHour: number;
  perDay: number;
  budget: 'people' | 'detector';
}

const budgetNames = {
  people: { label: 'budget', what: 'operations', hour: 'MENDER_MAX_OPERATIONS_PER_HOUR', day: 'MENDER_MAX_OPERATIONS_PER_DAY' },
  detector: {
    label: 'detector budget',
    what: 'operations started by detected issues',
    hour: 'MENDER_MAX_DETECTOR_OPERATIONS_PER_HOUR',
    day: 'MENDER_MAX_DETECTOR_OPERATIONS_PER_DAY',
  },
} as const;

/**
 * Counts recent operations of the same budget under a lock held to commit, so concurrent starts
 * cannot overshoot: of 20 racing for 10 places exactly 10 get one.
 */
async function checkStartLimits(executor: Executor, limits: StartLimits): Promise<void> {
  await executor.execute(sql`SELECT pg_advisory_xact_lock(${advisoryLockIds.operationBudgets})`);
  const ofBudget = limits.budget === 'detector' ? sql`source = 'detector'` : sql`source <> 'detector'`;
  const [counts] = rowsOf<{ hour: number; day: number }>(
    await executor.execute(
      sql`SELECT count(*) FILTER (WHERE created_at > now() - interval '1 hour')::int AS hour, count(*)::int AS day FROM operations WHERE created_at > now() - interval '1 day' AND ${ofBudget}`,
    ),
  );
  const names = budgetNames[limits.budget];
  const hour = Number(counts?.hour ?? 0);
  const day = Number(counts?.day ?? 0);
  if (hour >= limits.perHour)
    throw new BudgetExceededError(
      `${names.label}: ${limits.perHour} ${names.what} already started in the last hour (${names.hour}); try again later`,
      await secondsUntilBelow(executor, '1 hour', hour - limits.perHour, ofBudget),
    );
  if (day >= limits.perDay)
    throw new BudgetExceededError(
      `${names.label}: ${limits.perDay} ${names.what} already started in the last day (${names.day}); try again later`,
      await secondsUntilBelow(executor, '1 day', day - limits.perDay, ofBudget),
    );
}

/** Seconds until the window holds one operation of the budget fewer than now minus `excess`: when its (excess+1)-th oldest leaves it. */
async function secondsUntilBelow(executor: Executor, window: '1 hour' | '1 day', excess: number, ofBudget: SQL): Promise<number> {
  const [row] = rowsOf<{ seconds: number }>(
    await executor.execute(
      sql`SELECT ceil(extract(epoch FROM (created_at + ${sql.raw(`interval '${window}'`)} - now())))::int AS seconds FROM operations WHERE created_at > now() - ${sql.raw(`interval '${window}'`)} AND ${ofBudget} ORDER BY created_at OFFSET ${excess} LIMIT 1`,
    ),
  );
  return Math.max(1, Number(row?.seconds ?? 1));
}

export interface OperationFilter {
  status?: string;
  repoId?: string;
  type?: string;
  source?: string;
  /** Text matched in the title's sources, the id and the branch (`operation-list-order.ts`). */
  search?: string;
}

function filterConditions(filter: OperationFilter): SQL[] {
  const conditions: SQL[] = [];
  const search = filter.search ? searchCondition(filter.search) : undefined;
  if (search) conditions.push(search);
  if (filter.status) conditions.push(eq(operations.status, filter.status));
  if (filter.repoId) conditions.push(eq(operations.repoId, filter.repoId));
  if (filter.type) conditions.push(eq(operations.type, filter.type));
  if (filter.source) conditions.push(eq(operations.source, filter.source));
  return conditions;
}

export interface TransitionRequest {
  /** Statuses the operation must be in; anything else is an InvalidTransitionError. */
  from: readonly OperationStatus[];
  to: OperationStatus;
  actor: string;
  patch?: OperationPatch;
  event: EventInput;
  job?: JobRequest;
  /** Runs inside the transaction, after the status check (approvals, change requests). */
  alsoInTransaction?: (executor: Executor, operation: OperationRow) => Promise<void>;
}

/**
 * Rows of operations and their timeline. Every status change is one transaction that also
 * writes its event, its audit entry and the next job; events are published after commit.
 */
export class OperationStore {
  constructor(
    private readonly db: Database,
    private readonly queue: JobQueue,
    private readonly hub: EventHub,
    private readonly redactor: Redactor,
  ) {}

  async create(values: Omit<typeof operations.$inferInsert, 'status'>, actor: string, job: JobRequest, limits?: StartLimits): Promise<OperationRow> {
    const published: RecordedEvent[] = [];
    const row = await this.db.transaction(async (transaction) => {
      if (limits) await checkStartLimits(transaction, limits);
      const [inserted] = await transaction
        .insert(operations)
        .values({ ...values, status: 'queued' })
        .returning();
      if (!inserted) throw new Error('insert returned no row');
      published.push(
        await this.writeEvent(transaction, inserted.id, actor, {
          type: 'operation.created',
          data: { type: inserted.type, source: inserted.source, description: inserted.description },
        }),
      );
      await this.queue.add(
        job.queue,
        job.name,
        { operationId: inserted.id },
        { ...job.options, priority: job.options?.priority ?? inserted.priority },
        transaction,
      );
      return inserted;
    });
    this.hub.publish(published);
    return row;
  }

  async get(id: string): Promise<OperationRow> {
    const [row] = await this.db.select().from(operations).where(eq(operations.id, id));
    if (!row) throw new NotFoundError(`operation ${id} does not exist: list operations with \`mender list\` or GET /api/operations`);
    return row;
  }

  /** A page of operations matching the filter, newest first unless `sort` says otherwise. */
  async list(filter: OperationFilter & { limit: number; offset: number; sort?: OperationSortKey; order?: SortOrder }): Promise<OperationRow[]> {
    const conditions = filterConditions(filter);
    return this.db
      .select()
      .from(operations)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(...sortOrder(filter.sort ?? 'age', filter.order ?? 'asc'))
      .limit(filter.limit)
      .offset(filter.offset);
  }

  /** How many operations match the filter (all pages of `list`). */
  async count(filter: OperationFilter): Promise<number> {
    const conditions = filterConditions(filter);
    const [row] = await this.db
      .select({ count: sql<number>`count(*)::int` })
      .from(operations)
      .where(conditions.length ? and(...conditions) : undefined);
    return Number(row?.count ?? 0);
  }

  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.db
      .select({ status: operations.status, count: sql<number>`count(*)::int` })
      .from(operations)
      .groupBy(operations.status);
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  }

  async nonTerminal(): Promise<OperationRow[]> {
    return this.db
      .select()
      .from(operations)
      .where(notInArray(operations.status, [...terminalStatuses]));
  }

  /**
   * Changes status from one of `from` to `to` atomically with its event, audit entry and job.
   * Every status change goes through here; one the transition table lacks is refused.
   */
  async transition(id: string, request: TransitionRequest): Promise<OperationRow> {
    const published: RecordedEvent[] = [];
    const row = await this.db.transaction(async (transaction) => {
      const [current] = await transaction.select().from(operations).where(eq(operations.id, id)).for('update');
      if (!current) throw new NotFoundError(`operation ${id} does not exist`);
      if (!request.from.includes(current.status as OperationStatus)) {
        throw new InvalidTransitionError(`operation ${id} is ${current.status}; ${request.event.type} needs it to be ${request.from.join(' or ')}`);
      }
      // The table is the one list of allowed moves: a step asking for any other is a defect.
      assertAllowedTransition(id, current.status, request.to);
      const [updated] = await transaction
        .update(operations)
        .set({ ...request.patch, status: request.to, updatedAt: new Date() })
        .where(eq(operations.id, id))
        .returning();
      if (!updated) throw new Error('update returned no row');
      await request.alsoInTransaction?.(transaction, updated);
      published.push(
        await this.writeEvent(transaction, id, request.actor, {
          type: request.event.type,
          data: { from: current.status, to: request.to, ...request.event.data },
        }),
      );
      if (request.job)
        await this.queue.add(
          request.job.queue,
          request.job.name,
          { operationId: id },
          { ...request.job.options, priority: request.job.options?.priority ?? updated.priority },
          transaction,
        );
      return updated;
    });
    this.hub.publish(published);
    return row;
  }

  /** Updates fields without a status change (usage, evidence as it accrues). */
  async patch(id: string, patch: OperationPatch): Promise<void> {
    await this.db
      .update(operations)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(operations.id, id));
  }

  /** Records a timeline event that changes no status (a tool call, a step's progress). */
  async event(id: string, actor: string, event: EventInput): Promise<void> {
    const recorded = await this.db.transaction((transaction) => this.writeEvent(transaction, id, actor, event));
    this.hub.publish([recorded]);
  }

  async timeline(id: string): Promise<RecordedEvent[]> {
    const rows = await this.db.select().from(events).where(eq(events.operationId, id)).orderBy(asc(events.sequence));
    return rows.map(toRecordedEvent);
  }

  /** Events after a sequence number, for resuming an event stream. */
  async eventsAfter(sequence: number, operationId?: string, limit = 1000): Promise<RecordedEvent[]> {
    const condition = operationId ? and(gt(events.sequence, sequence), eq(events.operationId, operationId)) : gt(events.sequence, sequence);
    const rows = await this.db.select().from(events).where(condition).orderBy(asc(events.sequence)).limit(limit);
    return rows.map(toRecordedEvent);
  }

  async approvalsOf(id: string): Promise<(typeof approvals.$inferSelect)[]> {
    return this.db.select().from(approvals).where(eq(approvals.operationId, id)).orderBy(asc(approvals.requestedAt));
  }

  async saveArtifact(operationId: string, name: string, content: string): Promise<string> {
    const id = newId();
    await this.db.insert(artifacts).values({ id, operationId, name, content: this.redactor.redact(content) });
    return `${id}/${name}`;
  }

  async artifactsOf(operationId: string): Promise<{ id: string; name: string; size: number }[]> {
    const rows = await this.db
      .select({ id: artifacts.id, name: artifacts.name, size: sql<number>`length(${artifacts.content})::int` })
      .from(artifacts)
      .where(eq(artifacts.operationId, operationId));
    return rows.map((row) => ({ ...row, size: Number(row.size) }));
  }

  async artifact(operationId: string, artifactId: string): Promise<string> {
    const [row] = await this.db
      .select()
      .from(artifacts)
      .where(and(eq(artifacts.operationId, operationId), eq(artifacts.id, artifactId)));
    if (!row) throw new NotFoundError(`artifact ${artifactId} of operation ${operationId} does not exist`);
    return row.content;
  }

  private async writeEvent(executor: Executor, operationId: string, actor: string, event: EventInput): Promise<RecordedEvent> {
    return writeTimelineEvent(executor, this.redactor, { operationId, actor, type: event.type, data: event.data ?? {}, subject: `operation:${operationId}` });
  }
}

/**
 * One timeline event and its audit row, redacted, in the caller's transaction and in the one event
 * order. Operations and deployments (`ship/deployment-store.ts`) both write theirs through here.
 */
export async function writeTimelineEvent(
  executor: Executor,
  redactor: Redactor,
  entry: { operationId: string | null; actor: string; type: string; data: Record<string, unknown>; subject: string },
): Promise<RecordedEvent> {
  const data = redactor.redactValue(entry.data);
  await lockEventOrder(executor);
  const [row] = await executor.insert(events).values({ operationId: entry.operationId, type: entry.type, actor: entry.actor, data }).returning();
  if (!row) throw new Error('insert returned no row');
  await appendAudit(executor, { actor: entry.actor, action: entry.type, subject: entry.subject, details: data });
  return toRecordedEvent(row);
}

export function toRecordedEvent(row: typeof events.$inferSelect): RecordedEvent {
  return { sequence: row.sequence, operationId: row.operationId, type: row.type, actor: row.actor, data: row.data, at: row.at.toISOString() };
}
