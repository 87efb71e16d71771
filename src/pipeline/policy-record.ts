import type { DecidedGate } from '../policy/gate-policy.ts';
import type { PolicyGate } from '../policy/policy-facts.ts';

/** How a gate's decision is kept on its timeline event (and so in the audit log): rule, reason, facts and policy hash. */
export function policyRecord(gate: PolicyGate, decided: DecidedGate) {
  const { decision, facts } = decided;
  return { gate, outcome: decision.outcome, level: decision.level, rule: decision.ruleId, reason: decision.reason, policyHash: decision.policyHash, facts };
}
