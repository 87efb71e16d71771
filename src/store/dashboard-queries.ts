import { and, asc, desc, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from './database.ts';
import { approvals, events, operations, repos } from './schema.ts';
import type { RecordedEvent } from './event-hub.ts';
import { awaitingStatuses } from '../domain/operation-vocabulary.ts';

/** Actors that are Mender itself (its steps and roles), as opposed to people. */
export const agentActors = ['mender', 'planner', 'coder', 'reviewer', 'policy'] as const;

function toRecordedEvent(row: typeof events.$inferSelect): RecordedEvent {
  return { sequence: row.sequence, operationId: row.operationId, type: row.type, actor: row.actor, data: row.data, at: row.at.toISOString() };
}

/** The newest event Mender itself recorded: what the agent did last. */
export async function latestAgentEvent(db: Database): Promise<RecordedEvent | undefined> {
  const [row] = await db
    .select()
    .from(events)
    .where(inArray(events.actor, [...agentActors]))
    .orderBy(desc(events.sequence))
    .limit(1);
  return row ? toRecordedEvent(row) : undefined;
}

export interface OperationOutcomeRow {
  id: string;
  status: string;
  createdAt: Date;
  usage: Record<string, unknown>;
  /** When the change first passed verification, if it did. */
  verifiedAt: Date | null;
}

/** Operations created since `since`, with the time each first passed verification (from its events). */
export async function operationOutcomesSince(db: Database, since: Date): Promise<OperationOutcomeRow[]> {
  const rows = await db
    .select({ id: operations.id, status: operations.status, createdAt: operations.createdAt, usage: operations.usage })
    .from(operations)
    .where(gte(operations.createdAt, since));
  const verified = await db
    .select({ operationId: events.operationId, at: sql<string | Date>`min(${events.at})` })
    .from(events)
    .innerJoin(operations, eq(operations.id, events.operationId))
    .where(and(eq(events.type, 'verification.passed'), gte(operations.createdAt, since)))
    .groupBy(events.operationId);
  const verifiedAt = new Map(verified.map((row) => [row.operationId, new Date(row.at)]));
  return rows.map((row) => ({ ...row, verifiedAt: verifiedAt.get(row.id) ?? null }));
}

export interface PendingApprovalRow {
  operationId: string;
  type: string;
  repo: string;
  description: string;
  status: string;
  gate: string;
  requiredLevel: string;
  requestedBy: string;
  requestedAt: Date;
  risk: { reasons?: string[]; level?: string } | null;
  plan: { riskLevel?: string } | null;
}

/** Undecided approvals of operations that wait at a gate, oldest first. */
export async function pendingApprovals(db: Database): Promise<PendingApprovalRow[]> {
  return db
    .select({
      operationId: operations.id,
      type: operations.type,
      repo: repos.name,
      description: operations.description,
      status: operations.status,
      gate: approvals.gate,
      requiredLevel: approvals.requiredLevel,
      requestedBy: operations.createdBy,
      requestedAt: approvals.requestedAt,
      risk: sql<PendingApprovalRow['risk']>`${operations.risk}`,
      plan: sql<PendingApprovalRow['plan']>`${operations.plan}`,
    })
    .from(approvals)
    .innerJoin(operations, eq(operations.id, approvals.operationId))
    .innerJoin(repos, eq(repos.id, operations.repoId))
    .where(and(isNull(approvals.decision), inArray(operations.status, [...awaitingStatuses])))
    .orderBy(asc(approvals.requestedAt), asc(approvals.id));
}

/** The data of the newest `approval.requested` event of an operation (the gate decision's wording). */
export async function latestApprovalRequest(db: Database, operationId: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await db
    .select({ data: events.data })
    .from(events)
    .where(and(eq(events.operationId, operationId), eq(events.type, 'approval.requested')))
    .orderBy(desc(events.sequence))
    .limit(1);
  return row?.data;
}

/** The policy record (`data.policy`) of the newest event that decided `gate` for an operation: the rule that sent it to a person. */
export async function latestGateDecision(db: Database, operationId: string, gate: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await db
    .select({ policy: sql<Record<string, unknown> | null>`${events.data}->'policy'` })
    .from(events)
    .where(and(eq(events.operationId, operationId), sql`${events.data}->'policy'->>'gate' = ${gate}`))
    .orderBy(desc(events.sequence))
    .limit(1);
  return row?.policy ?? undefined;
}

/** The newest event of one operation. */
export async function latestEventOf(db: Database, operationId: string): Promise<RecordedEvent | undefined> {
  const [row] = await db.select().from(events).where(eq(events.operationId, operationId)).orderBy(desc(events.sequence)).limit(1);
  return row ? toRecordedEvent(row) : undefined;
}

/** The statuses of the `limit` operations that ended last (newest first), among `endedStatuses`. */
export async function latestEndedStatuses(db: Database, endedStatuses: readonly string[], limit: number): Promise<string[]> {
  const rows = await db
    .select({ status: operations.status })
    .from(operations)
    .where(inArray(operations.status, [...endedStatuses]))
    .orderBy(desc(operations.updatedAt), desc(operations.id))
    .limit(limit);
  return rows.map((row) => row.status);
}
