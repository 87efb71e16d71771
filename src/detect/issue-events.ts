import type { Executor } from '../store/database.ts';
import { events } from '../store/schema.ts';
import { appendAudit } from '../store/audit-log.ts';
import { lockEventOrder } from '../store/event-order-lock.ts';
import type { RecordedEvent } from '../store/event-hub.ts';

/**
 * Writes an issue's event (issue.detected, issue.severity_raised, issue.regressed, issue.resolved…)
 * to the event log and the audit chain, in the caller's transaction; publish it after commit.
 */
export async function writeIssueEvent(executor: Executor, issueId: string, actor: string, type: string, data: Record<string, unknown>): Promise<RecordedEvent> {
  await lockEventOrder(executor);
  const [row] = await executor
    .insert(events)
    .values({ operationId: null, type, actor, data: { issueId, ...data } })
    .returning();
  if (!row) throw new Error('insert returned no row');
  await appendAudit(executor, { actor, action: type, subject: `issue:${issueId}`, details: row.data });
  return { sequence: row.sequence, operationId: null, type: row.type, actor: row.actor, data: row.data, at: row.at.toISOString() };
}
