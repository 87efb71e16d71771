import type { ApprovalLevel } from '../../domain/approval-level.ts';
import type { GateFacts } from '../../policy/policy-facts.ts';
import type { RiskAssessment } from '../../safety/risk-assessment.ts';
import { operationFacts } from '../gate-facts.ts';
import type { OperationRow } from '../operation-store.ts';
import { policyRecord } from '../policy-record.ts';
import type { ShipContext } from './ship-context.ts';

export interface DeployGateDecision {
  gate: 'deploy' | 'promote';
  pass: boolean;
  level: ApprovalLevel;
  rule: string;
  reason: string;
  policy: ReturnType<typeof policyRecord>;
}

/**
 * The deploy gate (a release into an environment, asked for by a merge or a person) and the
 * promote gate (a release that passed one environment going on to the next), decided by the
 * policy in force on the shipping change's facts: risk, severity, autonomy, the environment and
 * the repository's deployments today.
 */
export async function decideDeployGate(
  context: ShipContext,
  gate: 'deploy' | 'promote',
  request: { repoId: string; environment: string; operation?: OperationRow },
): Promise<DeployGateDecision> {
  const { operation } = request;
  const autonomy = context.settings.autonomyLevel;
  const base: GateFacts = operation
    ? await operationFacts(context.gateFacts, gate, operation, autonomy)
    : { gate, autonomy, severity: 'none', affected_users: 0 };
  const risk = operation?.risk as RiskAssessment | null | undefined;
  const deploymentsToday = await context.deployments.promotedSince(request.repoId, context.policy.startOfToday());
  const decided = context.policy.decide({
    ...base,
    ...(risk ? { risk_level: risk.level, risk_approval: risk.requiredApproval, risk_reasons: risk.reasons } : {}),
    environment: request.environment,
    ships: true,
    deployments_today: deploymentsToday,
  });
  const { decision } = decided;
  return {
    gate,
    pass: decision.outcome === 'allow',
    level: decision.level,
    rule: decision.ruleId,
    reason: decision.reason,
    policy: policyRecord(gate, decided),
  };
}
