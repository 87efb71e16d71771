import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database, Executor } from '../../store/database.ts';
import { deploymentIntervals, deployments, events } from '../../store/schema.ts';
import type { EventHub, RecordedEvent } from '../../store/event-hub.ts';
import { newId } from '../../store/ids.ts';
import type { JobQueue } from '../../queue/job-queue.ts';
import type { Redactor } from '../../safety/redaction.ts';
import { activeDeploymentStatuses, type DeploymentStatus } from '../../domain/deployment-vocabulary.ts';
import { InvalidTransitionError, NotFoundError } from '../pipeline-errors.ts';
import { toRecordedEvent, writeTimelineEvent, type EventInput } from '../operation-store.ts';

export type DeploymentRow = typeof deployments.$inferSelect;
export type DeploymentPatch = Partial<Omit<typeof deployments.$inferInsert, 'id' | 'createdAt' | 'status'>>;
export type DeploymentIntervalRow = typeof deploymentIntervals.$inferSelect;
export type NewDeployment = Omit<typeof deployments.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;

/** A job of the `deploying` queue; the payload is always the deployment's id. */
export interface DeploymentJob {
  name: 'deploy.start' | 'deploy.tick';
  delayMs?: number;
  /** One tick per interval: a replayed transition does not queue a second one. */
  key?: string;
}

export interface DeploymentTransition {
  from: readonly DeploymentStatus[];
  to: DeploymentStatus;
  actor: string;
  patch?: DeploymentPatch;
  event: EventInput;
  job?: DeploymentJob;
  /** Runs inside the transaction after the status check. */
  alsoInTransaction?: (executor: Executor, deployment: DeploymentRow) => Promise<void>;
}

export interface DeploymentFilter {
  repoId?: string;
  environment?: string;
  status?: DeploymentStatus;
  operationId?: string;
}

/**
 * Rows of deployments, their judged intervals and their timeline. Like operations, every status
 * change is one transaction with its event (on the operation's timeline when it ships one), audit
 * entry and next job; events are published after commit.
 */
export class DeploymentStore {
  constructor(
    private readonly db: Database,
    private readonly queue: JobQueue,
    private readonly hub: EventHub,
    private readonly redactor: Redactor,
  ) {}

  /** Inserts a deployment with its first event and job; a second active one in the environment is a 409. */
  async create(values: NewDeployment, actor: string, event: EventInput, job?: DeploymentJob): Promise<DeploymentRow> {
    const published: RecordedEvent[] = [];
    let row: DeploymentRow;
    try {
      row = await this.db.transaction(async (transaction) => {
        const [inserted] = await transaction
          .insert(deployments)
          .values({ id: newId(), ...values })
          .returning();
        if (!inserted) throw new Error('insert returned no row');
        published.push(await this.writeEvent(transaction, inserted, actor, event));
        if (job) await this.enqueue(transaction, inserted.id, job);
        return inserted;
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const [active] = await this.list({ repoId: values.repoId, environment: values.environment }, 1, [...activeDeploymentStatuses]);
      throw new InvalidTransitionError(
        `a deployment to ${values.environment} is already ${active?.status ?? 'running'}${active ? ` (${active.id}, commit ${active.commit.slice(0, 12)})` : ''}: wait for it to end, or roll it back with \`mender deployment rollback ${active?.id ?? '<id>'}\``,
      );
    }
    this.hub.publish(published);
    return row;
  }

  async get(id: string, executor: Executor = this.db): Promise<DeploymentRow> {
    const [row] = await executor.select().from(deployments).where(eq(deployments.id, id));
    if (!row) throw new NotFoundError(`deployment ${id} does not exist: list deployments with \`mender deployments\` or GET /api/deployments`);
    return row;
  }

  async list(filter: DeploymentFilter, limit = 100, statuses?: DeploymentStatus[]): Promise<DeploymentRow[]> {
    const conditions: SQL[] = [];
    if (filter.repoId) conditions.push(eq(deployments.repoId, filter.repoId));
    if (filter.environment) conditions.push(eq(deployments.environment, filter.environment));
    if (filter.status) conditions.push(eq(deployments.status, filter.status));
    if (filter.operationId) conditions.push(eq(deployments.operationId, filter.operationId));
    if (statuses) conditions.push(inArray(deployments.status, statuses));
    return this.db
      .select()
      .from(deployments)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(deployments.createdAt), desc(deployments.id))
      .limit(limit);
  }

  /** The latest deployment that ended promoted in an environment: its commit is the stable release. */
  async lastPromoted(repoId: string, environment: string): Promise<DeploymentRow | undefined> {
    const [row] = await this.list({ repoId, environment, status: 'promoted' }, 1);
    return row;
  }

  /** Deployments promoted since `since` in any environment of a repository: the `deployments_today` fact. */
  async promotedSince(repoId: string, since: Date): Promise<number> {
    const [row] = await this.db
      .select({ count: sql<number>`count(DISTINCT ${deployments.commit})::int` })
      .from(deployments)
      .where(and(eq(deployments.repoId, repoId), eq(deployments.status, 'promoted'), sql`${deployments.finishedAt} >= ${since.toISOString()}`));
    return Number(row?.count ?? 0);
  }

  async transition(id: string, request: DeploymentTransition): Promise<DeploymentRow> {
    const published: RecordedEvent[] = [];
    const row = await this.db.transaction(async (transaction) => {
      const [current] = await transaction.select().from(deployments).where(eq(deployments.id, id)).for('update');
      if (!current) throw new NotFoundError(`deployment ${id} does not exist`);
      if (!request.from.includes(current.status as DeploymentStatus)) {
        throw new InvalidTransitionError(`deployment ${id} is ${current.status}; ${request.event.type} needs it to be ${request.from.join(' or ')}`);
      }
      const [updated] = await transaction
        .update(deployments)
        .set({ ...request.patch, status: request.to, updatedAt: new Date() })
        .where(eq(deployments.id, id))
        .returning();
      if (!updated) throw new Error('update returned no row');
      await request.alsoInTransaction?.(transaction, updated);
      published.push(
        await this.writeEvent(transaction, updated, request.actor, {
          type: request.event.type,
          data: { from: current.status, to: request.to, ...request.event.data },
        }),
      );
      if (request.job) await this.enqueue(transaction, id, request.job);
      return updated;
    });
    this.hub.publish(published);
    return row;
  }

  /** Changes fields without a status change, with an event when one is given, and a job. */
  async update(id: string, patch: DeploymentPatch, actor: string, event?: EventInput, job?: DeploymentJob): Promise<DeploymentRow> {
    const published: RecordedEvent[] = [];
    const row = await this.db.transaction(async (transaction) => {
      const [updated] = await transaction
        .update(deployments)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(deployments.id, id))
        .returning();
      if (!updated) throw new NotFoundError(`deployment ${id} does not exist`);
      if (event) published.push(await this.writeEvent(transaction, updated, actor, event));
      if (job) await this.enqueue(transaction, id, job);
      return updated;
    });
    this.hub.publish(published);
    return row;
  }

  /** Stores a judged interval; the same seq twice (a replayed tick) keeps the first. */
  async recordInterval(interval: typeof deploymentIntervals.$inferInsert): Promise<boolean> {
    const inserted = await this.db.insert(deploymentIntervals).values(interval).onConflictDoNothing().returning({ seq: deploymentIntervals.seq });
    return inserted.length > 0;
  }

  async intervals(id: string): Promise<DeploymentIntervalRow[]> {
    return this.db.select().from(deploymentIntervals).where(eq(deploymentIntervals.deploymentId, id)).orderBy(asc(deploymentIntervals.seq));
  }

  async timeline(id: string): Promise<RecordedEvent[]> {
    const rows = await this.db
      .select()
      .from(events)
      .where(sql`${events.data}->>'deploymentId' = ${id}`)
      .orderBy(asc(events.sequence));
    return rows.map(toRecordedEvent);
  }

  private async enqueue(executor: Executor, deploymentId: string, job: DeploymentJob): Promise<void> {
    await this.queue.add(
      'deploying',
      job.name,
      { deploymentId },
      { ...(job.delayMs ? { delayMs: job.delayMs } : {}), ...(job.key ? { dedupeKey: job.key } : {}) },
      executor,
    );
  }

  private async writeEvent(executor: Executor, deployment: DeploymentRow, actor: string, event: EventInput): Promise<RecordedEvent> {
    return writeTimelineEvent(executor, this.redactor, {
      operationId: deployment.operationId,
      actor,
      type: event.type,
      data: { deploymentId: deployment.id, environment: deployment.environment, commit: deployment.commit, ...event.data },
      subject: `deployment:${deployment.id}`,
    });
  }
}

/** PostgreSQL's unique_violation, as PGlite and node-postgres report it (drizzle may wrap it). */
function isUniqueViolation(error: unknown): boolean {
  for (let cause = error as { code?: unknown; cause?: unknown } | undefined; cause; cause = cause.cause as typeof cause) {
    if (cause.code === '23505') return true;
  }
  return false;
}
