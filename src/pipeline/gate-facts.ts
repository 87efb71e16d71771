import { sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../store/database.ts';
import type { GateFacts, PolicyGate } from '../policy/policy-facts.ts';
import type { RiskAssessment } from '../safety/risk-assessment.ts';
import type { Review } from '../agent/review.ts';

/** What a gate needs to know from the database about an operation's issue and repository. */
export interface GateFactSource {
  /** Distinct users the operation's detected issue reached, and rollbacks of changes made for it. */
  issueFacts(issueId: string | undefined): Promise<{ affectedUsers: number; rollbacksOfIssue: number }>;
  /** Changes merged into the repository since `since`. */
  mergedSince(repoId: string, since: Date): Promise<number>;
}

export function gateFactQueries(executor: Executor): GateFactSource {
  return {
    async issueFacts(issueId) {
      if (!issueId) return { affectedUsers: 0, rollbacksOfIssue: 0 };
      const [row] = rowsOf<{ users: number | null; rollbacks: number }>(
        await executor.execute(sql`
          SELECT (SELECT users FROM detect_issues WHERE id = ${issueId}) AS users,
                 (SELECT count(*)::int FROM operations rollback
                    JOIN operations original ON original.id = rollback.rollback_of
                   WHERE original.error_context->>'issueId' = ${issueId}
                     AND rollback.status NOT IN ('rejected', 'cancelled')) AS rollbacks`),
      );
      return { affectedUsers: Number(row?.users ?? 0), rollbacksOfIssue: Number(row?.rollbacks ?? 0) };
    },
    async mergedSince(repoId, since) {
      const [row] = rowsOf<{ merged: number }>(
        await executor.execute(sql`
          SELECT count(*)::int AS merged FROM events JOIN operations ON operations.id = events.operation_id
           WHERE events.type = 'change.merged' AND operations.repo_id = ${repoId} AND events.at >= ${since.toISOString()}`),
      );
      return Number(row?.merged ?? 0);
    },
  };
}

export interface OperationFacts {
  type: string;
  source: string;
  repoId: string;
  errorContext: unknown;
}

/** The facts every gate of an operation shares: what it is, where it came from, how severe. */
export async function operationFacts(source: GateFactSource, gate: PolicyGate, operation: OperationFacts, autonomy: number): Promise<GateFacts> {
  const context = (operation.errorContext ?? {}) as { severity?: string; issueId?: string };
  const issue = await source.issueFacts(operation.source === 'detector' ? context.issueId : undefined);
  return {
    gate,
    operation_type: operation.type,
    source: operation.source,
    severity: context.severity ?? 'none',
    affected_users: issue.affectedUsers,
    rollbacks_of_issue: issue.rollbacksOfIssue,
    autonomy,
  };
}

/**
 * The change gate's own facts; a revert has no review. For a repository without deploy settings a
 * merge into the default branch is what ships (platforms deploy it on push), so the daily limit
 * counts merges; for one that Mender deploys, the deploy and promote gates ship it, not the merge.
 */
export function changeFacts(
  risk: RiskAssessment,
  review: (Review & { readable: boolean }) | undefined,
  deploymentsToday: number,
  protectedPaths: string[],
  mergeShips = true,
  selfProtectedPaths: string[] = [],
): Partial<GateFacts> {
  return {
    risk_level: risk.level,
    risk_approval: risk.requiredApproval,
    risk_reasons: risk.reasons,
    ...(review && {
      review_verdict: review.readable ? review.verdict : 'unreadable',
      finding_severities: [...new Set(review.findings.map((finding) => finding.severity))],
    }),
    protected_paths: protectedPaths,
    self_protected: selfProtectedPaths.length > 0,
    self_protected_paths: selfProtectedPaths,
    ships: mergeShips,
    deployments_today: deploymentsToday,
  };
}
