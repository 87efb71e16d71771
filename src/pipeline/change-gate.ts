import type { Review } from '../agent/review.ts';
import type { ApprovalLevel } from '../domain/approval-level.ts';
import type { RiskAssessment } from '../safety/risk-assessment.ts';
import { changeFacts, operationFacts, type OperationFacts } from './gate-facts.ts';
import type { PipelineContext } from './pipeline-context.ts';
import type { JobRequest } from './operation-store.ts';
import { policyRecord } from './policy-record.ts';
import { applySelfProtectionFloor, type SelfProtectionRecord } from './self-protection.ts';

export interface ChangeGateDecision {
  pass: boolean;
  level: ApprovalLevel;
  reason: string;
  rule: string;
  recheckAt?: string;
  /** The record kept on the gate's event. */
  policy: ReturnType<typeof policyRecord>;
  /** Set when the change touches Mender's self-protected files: the floor under the policy (self-protection.ts). */
  selfProtection?: SelfProtectionRecord;
}

/**
 * The change gate of a reviewed change or a revert, decided by the policy in force; a change to
 * Mender's self-protected files (`selfProtectedPaths`, only ever found in the self repository)
 * then gets the floor no policy can loosen.
 */
export async function decideChangeGate(
  context: PipelineContext,
  operation: OperationFacts,
  risk: RiskAssessment,
  review: (Review & { readable: boolean }) | undefined,
  protectedPaths: string[],
  selfProtectedPaths: string[] = [],
): Promise<ChangeGateDecision> {
  const deploymentsToday = await context.gateFacts.mergedSince(operation.repoId, context.policy.startOfToday());
  // A repository Mender deploys on merge ships through the deploy gate: the merge itself does not.
  const repo = await context.repos.byId(operation.repoId);
  const deploysOnMerge = Boolean(repo?.deploy) && (repo?.deploy as { onMerge?: boolean }).onMerge !== false;
  const gate = context.policy.decide({
    ...(await operationFacts(context.gateFacts, 'change', operation, context.settings.autonomyLevel)),
    ...changeFacts(risk, review, deploymentsToday, protectedPaths, !deploysOnMerge, selfProtectedPaths),
  });
  const { decision } = gate;
  return applySelfProtectionFloor(
    {
      pass: decision.outcome === 'allow',
      level: decision.level,
      reason: decision.reason,
      rule: decision.ruleId,
      recheckAt: decision.recheckAt,
      policy: policyRecord('change', gate),
    },
    selfProtectedPaths,
  );
}

/**
 * The delayed job that decides a time-window wait again at `recheckAt` (the `merging` queue's
 * `recheck`, see recheck-step.ts). The queue counts the delay in real time; the handler checks the
 * policy's clock and waits again if it is early.
 */
export function recheckJob(context: PipelineContext, recheckAt: string | undefined): JobRequest | undefined {
  if (!recheckAt) return undefined;
  return { queue: 'merging', name: 'recheck', options: { delayMs: Math.max(0, Date.parse(recheckAt) - context.policy.now().getTime()) } };
}
