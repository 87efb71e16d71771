import type { OperationRow, OperationStore } from '../pipeline/operation-store.ts';
import type { Forge } from '../forge/forge.ts';
import type { RepoStore } from '../store/repo-store.ts';

/** The operation as the API shows it: the row, its repository, timeline, approvals and change request. */
export async function operationView(row: OperationRow, services: { operations: OperationStore; forge: Forge; repos: RepoStore }, detail: boolean) {
  const repo = await services.repos.byId(row.repoId);
  const summary = {
    id: row.id,
    type: row.type,
    source: row.source,
    status: row.status,
    repo: repo?.name ?? row.repoId,
    description: row.description,
    branch: row.branch,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    failureReason: row.failureReason,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
  if (!detail) return summary;
  const changeRequest = await services.forge.changeRequestOf(row.id);
  return {
    ...summary,
    errorContext: row.errorContext,
    plan: row.plan,
    planMarkdown: row.planMarkdown,
    baseCommit: row.baseCommit,
    headCommit: row.headCommit,
    mergeCommit: row.mergeCommit,
    diffStats: row.diffStats,
    risk: row.risk,
    rollbackOf: row.rollbackOf,
    evidence: row.evidence,
    review: row.review,
    usage: row.usage,
    feedback: row.feedback,
    approvals: (await services.operations.approvalsOf(row.id)).map((approval) => ({ ...approval, requestedAt: approval.requestedAt.toISOString(), decidedAt: approval.decidedAt?.toISOString() ?? null })),
    changeRequest: changeRequest ? { id: changeRequest.id, status: changeRequest.status, title: changeRequest.title, branch: changeRequest.branch, baseCommit: changeRequest.baseCommit, headCommit: changeRequest.headCommit, mergeCommit: changeRequest.mergeCommit, url: changeRequest.url ?? null } : null,
    artifacts: await services.operations.artifactsOf(row.id),
    timeline: await services.operations.timeline(row.id),
  };
}
