import { sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../store/database.ts';

/** A fix that is deployed and watched, yet its own release sends the error it was to fix. */
export interface FailedFix {
  operationId: string;
  /** `deploying` or `monitoring`. */
  operationStatus: string;
  /** The fix's merge commit, as the app reports it in `release`. */
  release: string;
}

// The statuses in which a merged fix runs on its release and is being judged.
const watchedStatuses = new Set(['deploying', 'monitoring']);

/**
 * For issues being fixed, the fixes this batch proves failed: the issue's latest detector
 * operation is deploying or monitoring, and the batch has events from its merge commit. One
 * statement for the batch, run only when it touched an issue in `fixing` with a release.
 */
export async function findFailedFixes(
  executor: Executor,
  candidates: readonly { issueId: string; releases: ReadonlySet<string> }[],
): Promise<Map<string, FailedFix>> {
  const found = new Map<string, FailedFix>();
  if (candidates.length === 0) return found;
  const ids = sql.join(
    candidates.map((candidate) => sql`${candidate.issueId}`),
    sql`, `,
  );
  const latest = rowsOf<{ id: string; status: string; merge_commit: string | null; issue_id: string }>(
    await executor.execute(
      sql`SELECT DISTINCT ON (error_context->>'issueId') id, status, merge_commit, error_context->>'issueId' AS issue_id FROM operations WHERE source = 'detector' AND error_context->>'issueId' IN (${ids}) ORDER BY error_context->>'issueId', created_at DESC, id DESC`,
    ),
  );
  const releasesOf = new Map(candidates.map((candidate) => [candidate.issueId, candidate.releases]));
  for (const operation of latest) {
    if (!watchedStatuses.has(operation.status) || !operation.merge_commit) continue;
    if (releasesOf.get(operation.issue_id)?.has(operation.merge_commit))
      found.set(operation.issue_id, { operationId: operation.id, operationStatus: operation.status, release: operation.merge_commit });
  }
  return found;
}
