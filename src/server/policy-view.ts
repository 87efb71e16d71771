import { describeBusinessHours, describeCondition } from '../policy/describe-policy.ts';
import type { GatePolicy } from '../policy/gate-policy.ts';
import type { Condition, PolicyRule } from '../policy/policy.ts';

/** One rule of `GET /api/policy`, in file order; `text` of each condition is how people read it. */
export interface PolicyRuleView {
  id: string;
  decision: PolicyRule['decision'];
  level: PolicyRule['level'] | null;
  reason: string;
  recheck: PolicyRule['recheck'] | null;
  when: (Condition & { text: string })[];
  line: number;
}

/** `GET /api/policy`: the policy in force. */
export interface PolicyView {
  /** The file path, or `built-in`. */
  source: string;
  hash: string;
  timeZone: string;
  businessHours: { start: string; end: string; days: string[] };
  rules: PolicyRuleView[];
  text: string;
  /** False when MENDER_POLICY_FILE is unset: the built-in policy is never written. */
  editable: boolean;
}

export function policyView(policy: GatePolicy, policyFile: string | undefined): PolicyView {
  const current = policy.current;
  return {
    source: current.source,
    hash: current.hash,
    timeZone: policy.timeZone,
    businessHours: describeBusinessHours(current.businessHours),
    rules: current.rules.map((rule) => ({
      id: rule.id,
      decision: rule.decision,
      level: rule.level ?? null,
      reason: rule.reason,
      recheck: rule.recheck ?? null,
      when: rule.when.map((condition) => ({ ...condition, text: describeCondition(condition) })),
      line: rule.line,
    })),
    text: current.text,
    editable: !!policyFile,
  };
}
