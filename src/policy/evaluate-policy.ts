import type { ApprovalLevel } from '../domain/approval-level.ts';
import type { GateFacts, FactValue } from './policy-facts.ts';
import type { Condition, Policy, PolicyOutcome, PolicyRule } from './policy.ts';

export interface PolicyDecision {
  outcome: PolicyOutcome;
  /** `auto` for allow, the rule's level for ask, `manual-only` for deny. */
  level: ApprovalLevel;
  /** The rule that decided, or `default` when none matched. */
  ruleId: string;
  reason: string;
  /** For `recheck` rules: decide again then (ISO time). */
  recheckAt?: string;
  policyHash: string;
}

/** With no matching rule a person decides: a gap in the policy never lets a change through. */
const fallback = { id: 'default', outcome: 'ask' as const, level: 'team-lead' as const, reason: 'no rule of the policy matched; a person decides' };

/**
 * Decides a gate: deny rules first (in file order), then the others in file order; the first
 * rule whose every condition holds wins. `nextWindowStart` gives recheck rules their time.
 */
export function evaluatePolicy(policy: Policy, facts: GateFacts, nextWindowStart?: () => Date): PolicyDecision {
  const ordered = [...policy.rules.filter((rule) => rule.decision === 'deny'), ...policy.rules.filter((rule) => rule.decision !== 'deny')];
  const rule = ordered.find((candidate) => matches(candidate, facts));
  if (!rule) return { outcome: fallback.outcome, level: fallback.level, ruleId: fallback.id, reason: fallback.reason, policyHash: policy.hash };
  return {
    outcome: rule.decision,
    level: levelOf(rule),
    ruleId: rule.id,
    reason: fillIn(rule.reason, facts),
    recheckAt: rule.recheck === 'business_hours' && nextWindowStart ? nextWindowStart().toISOString() : undefined,
    policyHash: policy.hash,
  };
}

export function matches(rule: PolicyRule, facts: GateFacts): boolean {
  return rule.when.every((condition) => holds(condition, facts[condition.fact]));
}

function holds(condition: Condition, value: FactValue | undefined): boolean {
  // A fact the gate does not know matches nothing, not even `not`: unknown is not "other".
  if (value === undefined) return false;
  if (condition.test === 'range') {
    if (typeof value !== 'number') return false;
    return (condition.atLeast === undefined || value >= condition.atLeast) && (condition.below === undefined || value < condition.below);
  }
  const present = Array.isArray(value) ? (value as readonly string[]) : [value as string | number | boolean];
  const any = present.some((item) => condition.values.includes(item));
  return condition.test === 'one-of' ? any : !any;
}

function levelOf(rule: PolicyRule): ApprovalLevel {
  if (rule.decision === 'allow') return 'auto';
  if (rule.decision === 'deny') return 'manual-only';
  return rule.level ?? 'team-lead';
}

/** `{fact}` in a reason becomes the fact's value, so the approval says "P0 affecting 240 users". */
function fillIn(reason: string, facts: GateFacts): string {
  return reason.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
    const value = (facts as Record<string, FactValue | undefined>)[name];
    if (value === undefined) return whole;
    return Array.isArray(value) ? value.join(', ') : String(value);
  });
}
