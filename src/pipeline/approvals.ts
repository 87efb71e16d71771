import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../store/database.ts';
import { approvals } from '../store/schema.ts';
import type { ApprovalLevel } from '../domain/approval-level.ts';
import type { ApprovalGate } from './operation-types.ts';

export interface ApprovalRequest {
  id: string;
  operationId: string;
  gate: ApprovalGate;
  requiredLevel: ApprovalLevel;
}

/**
 * The id of a gate's next approval record: one per request, so a revision that ends on the same
 * commit (a person asked for changes, the coder changed nothing) opens a new record instead of
 * colliding with the decided one. `existing` is the operation's approvals so far.
 */
export function nextApprovalId(operationId: string, gate: ApprovalGate, existing: readonly { gate: string }[], commit?: string): string {
  const round = existing.filter((approval) => approval.gate === gate).length + 1;
  return [operationId, gate, round, commit?.slice(0, 12)].filter((part) => part !== undefined).join('-');
}

/** Opens a gate's approval record (one undecided per gate). */
export async function requestApproval(executor: Executor, request: ApprovalRequest): Promise<void> {
  await executor.insert(approvals).values(request);
}

/** Records the decision on the open approval of a gate, if there is one. */
export async function decideApproval(
  executor: Executor,
  operationId: string,
  gate: ApprovalGate,
  decision: 'approved' | 'rejected' | 'changes_requested' | 'cancelled',
  decidedBy: string,
  comment: string | undefined,
): Promise<void> {
  await executor
    .update(approvals)
    .set({ decision, decidedBy, comment: comment ?? null, decidedAt: new Date() })
    .where(and(eq(approvals.operationId, operationId), eq(approvals.gate, gate), isNull(approvals.decision)));
}
