import type { OperationRow, OperationStore } from '../pipeline/operation-store.ts';
import type { Forge } from '../forge/forge.ts';
import type { RepoStore } from '../store/repo-store.ts';
import type { RecordedEvent } from '../store/event-hub.ts';
import type { Plan } from '../agent/plan.ts';
import type { Review } from '../agent/review.ts';
import type { RiskAssessment } from '../safety/risk-assessment.ts';
import type { DiffStats } from '../pipeline/change-files.ts';
import type { OperationEvidence } from '../pipeline/operation-evidence.ts';
import type { ApprovalVerdict } from '../pipeline/pipeline.ts';
import { recordedGateDecisions, type RecordedGateDecision } from './gate-decisions.ts';
import { operationListFields, type OperationListFields } from './operation-list-fields.ts';

/** An operation in `GET /api/operations`: the row's own fields, dates as ISO text, and what a list row shows. */
export interface OperationSummary extends OperationListFields {
  id: string;
  type: string;
  source: string;
  status: string;
  repo: string;
  description: string;
  branch: string | null;
  attempts: number;
  maxAttempts: number;
  failureReason: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** An approval of an operation, as the detail lists them. */
export type ApprovalView = Omit<Awaited<ReturnType<OperationStore['approvalsOf']>>[number], 'requestedAt' | 'decidedAt'> & {
  requestedAt: string;
  decidedAt: string | null;
};

export interface ChangeRequestSummary {
  id: string;
  status: string;
  title: string;
  branch: string;
  baseCommit: string;
  headCommit: string;
  mergeCommit: string | null;
  url: string | null;
}

/**
 * `GET /api/operations/:id`. The JSON columns are typed by what the pipeline writes into them
 * (the row types them loosely); evidence stored by older versions may lack newer optional fields.
 */
export interface OperationDetail extends OperationSummary {
  errorContext: { message?: string; stack?: string; logs?: string; [key: string]: unknown } | null;
  plan: Plan | null;
  planMarkdown: string | null;
  baseCommit: string | null;
  headCommit: string | null;
  mergeCommit: string | null;
  diffStats: DiffStats | null;
  risk: RiskAssessment | null;
  rollbackOf: string | null;
  evidence: OperationEvidence;
  review: Review | null;
  usage: Record<string, unknown>;
  feedback: string | null;
  approvals: ApprovalView[];
  changeRequest: ChangeRequestSummary | null;
  artifacts: Awaited<ReturnType<OperationStore['artifactsOf']>>;
  timeline: RecordedEvent[];
  /** The newest gate decision on the timeline: the policy rule that passed it, or sent it to a person, and why. */
  gateDecision: Omit<RecordedGateDecision, 'facts'> | null;
  /** For the one who asks: may they approve the gate it waits at, and does the two-person rule hold there (null: nothing waits). */
  approvalForYou: ApprovalVerdict | null;
}

type OperationViewServices = { operations: OperationStore; forge: Forge; repos: RepoStore };

/** The operation as the API shows it: the row, its repository, timeline, approvals and change request. */
export function operationView(row: OperationRow, services: OperationViewServices, detail: false): Promise<OperationSummary>;
export function operationView(row: OperationRow, services: OperationViewServices, detail: true, approvalForYou?: ApprovalVerdict): Promise<OperationDetail>;
export async function operationView(
  row: OperationRow,
  services: OperationViewServices,
  detail: boolean,
  approvalForYou?: ApprovalVerdict,
): Promise<OperationSummary | OperationDetail> {
  const repo = await services.repos.byId(row.repoId);
  const summary: OperationSummary = {
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
    ...operationListFields(row),
  };
  if (!detail) return summary;
  const changeRequest = await services.forge.changeRequestOf(row.id);
  const timeline = await services.operations.timeline(row.id);
  const latestDecision = recordedGateDecisions(timeline).at(-1);
  return {
    ...summary,
    errorContext: row.errorContext as OperationDetail['errorContext'],
    plan: row.plan as Plan | null,
    planMarkdown: row.planMarkdown,
    baseCommit: row.baseCommit,
    headCommit: row.headCommit,
    mergeCommit: row.mergeCommit,
    diffStats: row.diffStats as DiffStats | null,
    risk: row.risk as RiskAssessment | null,
    rollbackOf: row.rollbackOf,
    evidence: row.evidence as OperationEvidence,
    review: row.review as Review | null,
    usage: row.usage,
    feedback: row.feedback,
    approvals: (await services.operations.approvalsOf(row.id)).map((approval) => ({
      ...approval,
      requestedAt: approval.requestedAt.toISOString(),
      decidedAt: approval.decidedAt?.toISOString() ?? null,
    })),
    changeRequest: changeRequest
      ? {
          id: changeRequest.id,
          status: changeRequest.status,
          title: changeRequest.title,
          branch: changeRequest.branch,
          baseCommit: changeRequest.baseCommit,
          headCommit: changeRequest.headCommit,
          mergeCommit: changeRequest.mergeCommit,
          url: changeRequest.url ?? null,
        }
      : null,
    artifacts: await services.operations.artifactsOf(row.id),
    timeline,
    gateDecision: withoutFacts(latestDecision),
    approvalForYou: approvalForYou ?? null,
  };
}

function withoutFacts(decision: RecordedGateDecision | undefined): Omit<RecordedGateDecision, 'facts'> | null {
  if (!decision) return null;
  return {
    gate: decision.gate,
    outcome: decision.outcome,
    level: decision.level,
    rule: decision.rule,
    reason: decision.reason,
    policyHash: decision.policyHash,
    event: decision.event,
  };
}
