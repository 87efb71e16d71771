import { sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../store/database.ts';
import { isTerminalStatus, mergedLikeStatuses, type OperationStatus } from '../domain/operation-vocabulary.ts';

export interface LinkedOperation {
  id: string;
  status: string;
  type: string;
  issueId: string;
  createdAt: string;
  updatedAt: string;
  failureReason: string | null;
}

/**
 * The operations started for issues. The link is the operation's own `errorContext.issueId`,
 * written in the operation's creating transaction, so it cannot be lost between two commits.
 */
export async function operationsOfIssues(executor: Executor, issueIds: readonly string[]): Promise<LinkedOperation[]> {
  if (issueIds.length === 0) return [];
  const list = sql.join(
    issueIds.map((id) => sql`${id}`),
    sql`, `,
  );
  const rows = rowsOf<{
    id: string;
    status: string;
    type: string;
    issue_id: string;
    created_at: string | Date;
    updated_at: string | Date;
    failure_reason: string | null;
  }>(
    await executor.execute(
      sql`SELECT id, status, type, error_context->>'issueId' AS issue_id, created_at, updated_at, failure_reason FROM operations WHERE source = 'detector' AND error_context->>'issueId' IN (${list}) ORDER BY created_at, id`,
    ),
  );
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    type: row.type,
    issueId: row.issue_id,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    failureReason: row.failure_reason,
  }));
}

export function isActiveOperation(operation: Pick<LinkedOperation, 'status'>): boolean {
  return !isTerminalStatus(operation.status);
}

/** The issue status an operation's status stands for; undefined where it says nothing new. */
export function issueStatusForOperation(status: string): 'detected' | 'diagnosing' | 'fixing' | 'fixed' | 'failed' | undefined {
  if (status === 'queued') return 'detected';
  if (status === 'planning' || status === 'awaiting_plan_approval') return 'diagnosing';
  if (['executing', 'verifying', 'reviewing', 'awaiting_approval', 'merging'].includes(status)) return 'fixing';
  // A deployed fix is still watched on its release: the issue is fixed once the operation is done,
  // and may yet be fix_failed before that. `merged` lasts only until the merge step hands the
  // change on (to `done`, or to `deploying`), so it says nothing new: no fixed → fixing flicker.
  if (status === 'merged') return undefined;
  if (status === 'deploying' || status === 'monitoring') return 'fixing';
  if (mergedLikeStatuses.has(status as OperationStatus)) return 'fixed';
  if (['failed', 'rejected', 'cancelled'].includes(status)) return 'failed';
  return undefined;
}
