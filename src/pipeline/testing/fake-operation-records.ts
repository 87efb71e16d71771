/**
 * Operations in memory, for step tests: the real store's transition rule without a database.
 */
import { getTableName, type Table } from 'drizzle-orm';
import type { Executor } from '../../store/database.ts';
import { InvalidTransitionError, NotFoundError } from '../pipeline-errors.ts';
import type { ApprovalRow, EventInput, JobRequest, NewOperation, OperationPatch, OperationRow, TransitionRequest } from '../operation-store.ts';
import { assertAllowedTransition, terminalStatuses, type OperationStatus } from '../../domain/operation-vocabulary.ts';
import type { OperationRecords } from '../pipeline-ports.ts';
import type { CallLog } from './call-log.ts';

export interface RecordedEvent {
  operationId: string;
  actor: string;
  type: string;
  data: Record<string, unknown>;
}

/** A row written inside a transition's transaction (an approval requested or decided). */
export interface TransactionWrite {
  table: string;
  kind: 'insert' | 'update';
  values: Record<string, unknown>;
}

/** An operation row with every field a step reads; `overrides` set the ones a test is about. */
export function operationRow(overrides: Partial<OperationRow> = {}): OperationRow {
  const now = new Date('2026-01-01T00:00:00Z');
  return {
    id: 'op1',
    repoId: 'repo1',
    type: 'fix',
    source: 'api',
    description: 'the total ignores the quantity',
    errorContext: null,
    status: 'queued',
    plan: null,
    planMarkdown: null,
    branch: null,
    baseCommit: null,
    headCommit: null,
    mergeCommit: null,
    diffStats: null,
    evidence: {},
    review: null,
    attempts: 0,
    maxAttempts: 3,
    usage: {},
    feedback: null,
    failureReason: null,
    risk: null,
    rollbackOf: null,
    priority: 2,
    createdBy: 'alice',
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

/**
 * Operations in memory, with the real store's transition rule: the status must be one of
 * `from`, else InvalidTransitionError. `alsoInTransaction` runs against a recording executor.
 */
export class FakeOperationRecords implements OperationRecords {
  readonly rows = new Map<string, OperationRow>();
  readonly transitions: { operationId: string; from: string; request: TransitionRequest }[] = [];
  readonly events: RecordedEvent[] = [];
  readonly jobs: { operationId: string; job: JobRequest }[] = [];
  readonly transactionWrites: TransactionWrite[] = [];
  readonly artifacts = new Map<string, string>();

  constructor(private readonly log: CallLog) {}

  add(row: OperationRow): void {
    this.rows.set(row.id, { ...row });
  }

  async create(values: NewOperation, actor: string, job: JobRequest): Promise<OperationRow> {
    const row = operationRow({ ...(values as Partial<OperationRow>), status: 'queued' });
    this.add(row);
    this.record(row.id, actor, { type: 'operation.created', data: { type: row.type, source: row.source, description: row.description } });
    this.jobs.push({ operationId: row.id, job });
    return { ...row };
  }

  async get(id: string): Promise<OperationRow> {
    const row = this.rows.get(id);
    if (!row) throw new NotFoundError(`operation ${id} does not exist`);
    return { ...row };
  }

  async nonTerminal(): Promise<OperationRow[]> {
    return [...this.rows.values()].filter((row) => !terminalStatuses.has(row.status as OperationStatus));
  }

  async approvalsOf(id: string): Promise<ApprovalRow[]> {
    return this.transactionWrites
      .filter((write) => write.table === 'approvals' && write.kind === 'insert' && write.values.operationId === id)
      .map((write) => ({ decision: null, decidedBy: null, comment: null, decidedAt: null, requestedAt: new Date(), ...write.values }) as ApprovalRow);
  }

  async transition(id: string, request: TransitionRequest): Promise<OperationRow> {
    const current = await this.get(id);
    if (!request.from.includes(current.status as OperationStatus)) {
      throw new InvalidTransitionError(`operation ${id} is ${current.status}; ${request.event.type} needs it to be ${request.from.join(' or ')}`);
    }
    assertAllowedTransition(id, current.status as OperationStatus, request.to);
    const updated: OperationRow = { ...current, ...(request.patch as Partial<OperationRow>), status: request.to };
    this.rows.set(id, updated);
    await request.alsoInTransaction?.(recordingExecutor(this.transactionWrites), { ...updated });
    this.transitions.push({ operationId: id, from: current.status, request });
    this.log.push(`transition ${current.status}→${request.to}`);
    this.record(id, request.actor, { type: request.event.type, data: { from: current.status, to: request.to, ...request.event.data } });
    if (request.job) this.jobs.push({ operationId: id, job: request.job });
    return { ...updated };
  }

  async patch(id: string, patch: OperationPatch): Promise<void> {
    const current = await this.get(id);
    this.rows.set(id, { ...current, ...(patch as Partial<OperationRow>) });
  }

  async timeline(id: string): Promise<{ type: string; data: Record<string, unknown> }[]> {
    return this.events.filter((event) => event.operationId === id);
  }

  async event(id: string, actor: string, event: EventInput): Promise<void> {
    this.record(id, actor, event);
  }

  async saveArtifact(operationId: string, name: string, content: string): Promise<string> {
    const reference = `artifact-${this.artifacts.size + 1}/${name}`;
    this.artifacts.set(reference, content);
    return reference;
  }

  /** The event types of an operation's timeline, in order. */
  eventTypes(operationId = 'op1'): string[] {
    return this.events.filter((event) => event.operationId === operationId).map((event) => event.type);
  }

  private record(operationId: string, actor: string, event: EventInput): void {
    this.events.push({ operationId, actor, type: event.type, data: event.data ?? {} });
  }
}

/** Just enough of drizzle's executor for the approval writes a transition makes; each is recorded. */
function recordingExecutor(writes: TransactionWrite[]): Executor {
  const executor = {
    insert: (table: Table) => ({
      values: async (values: Record<string, unknown>) => {
        writes.push({ table: getTableName(table), kind: 'insert', values });
      },
    }),
    update: (table: Table) => ({
      set: (values: Record<string, unknown>) => ({
        where: async () => {
          writes.push({ table: getTableName(table), kind: 'update', values });
        },
      }),
    }),
  };
  return executor as unknown as Executor;
}
