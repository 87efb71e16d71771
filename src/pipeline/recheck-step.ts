import type { Review } from '../agent/review.ts';
import type { RiskAssessment } from '../safety/risk-assessment.ts';
import { decideApproval } from './approvals.ts';
import { decideChangeGate } from './change-gate.ts';
import { InvalidTransitionError } from './pipeline-errors.ts';
import type { PipelineContext } from './pipeline-context.ts';

export type RecheckResult =
  | { outcome: 'not-waiting' }
  | { outcome: 'not-due'; recheckAt: string }
  | { outcome: 'approved'; rule: string }
  | { outcome: 'still-waiting'; rule: string; recheckAt?: string };

interface RecordedFacts {
  review_verdict?: string;
  protected_paths?: string[];
  self_protected_paths?: string[];
}

/**
 * A change gate that asked only because of the time (its decision has `recheckAt`) is decided
 * again once the policy's clock reaches that time: the policy in force, fresh facts (merges today,
 * rollbacks of the issue) and the change's recorded risk and review. An allow moves it on to
 * merging as an automatic approval would; anything else keeps it waiting. An operation no longer
 * waiting, or waiting for a person, is left alone: a person's decision always wins.
 */
export async function recheckChangeGate(context: PipelineContext, operationId: string): Promise<RecheckResult> {
  const operation = await context.operations.get(operationId);
  if (operation.status !== 'awaiting_approval') return { outcome: 'not-waiting' };
  const wait = [...(await context.operations.timeline(operationId))]
    .reverse()
    .find((event) => event.type === 'approval.requested' || event.type === 'approval.rechecked');
  const recheckAt = typeof wait?.data.recheckAt === 'string' ? wait.data.recheckAt : undefined;
  if (!wait || !recheckAt) return { outcome: 'not-waiting' };
  if (context.policy.now().getTime() < Date.parse(recheckAt)) return { outcome: 'not-due', recheckAt };
  const facts = ((wait.data.policy as { facts?: RecordedFacts } | undefined)?.facts ?? {}) as RecordedFacts;
  const review = operation.review ? { ...(operation.review as unknown as Review), readable: facts.review_verdict !== 'unreadable' } : undefined;
  const risk = operation.risk as RiskAssessment;
  const decision = await decideChangeGate(context, operation, risk, review, facts.protected_paths ?? [], facts.self_protected_paths ?? []);
  if (!decision.pass) {
    await context.operations.event(operationId, 'policy', {
      type: 'approval.rechecked',
      data: {
        gate: 'change',
        rule: decision.rule,
        decision: decision.reason,
        requiredLevel: decision.level,
        recheckAt: decision.recheckAt,
        policy: decision.policy,
      },
    });
    return { outcome: 'still-waiting', rule: decision.rule, recheckAt: decision.recheckAt };
  }
  try {
    await context.operations.transition(operationId, {
      from: ['awaiting_approval'],
      to: 'merging',
      actor: 'policy',
      event: {
        type: 'change.auto_approved',
        data: {
          risk: risk.level,
          reasons: risk.reasons,
          decision: decision.reason,
          rule: decision.rule,
          policy: decision.policy,
          headCommit: operation.headCommit,
          recheck: true,
        },
      },
      job: { queue: 'merging', name: 'merge' },
      alsoInTransaction: (executor) => decideApproval(executor, operationId, 'change', 'approved', 'policy', decision.reason),
    });
  } catch (error) {
    // A person decided between the read and the write: theirs stands.
    if (error instanceof InvalidTransitionError) return { outcome: 'not-waiting' };
    throw error;
  }
  return { outcome: 'approved', rule: decision.rule };
}
