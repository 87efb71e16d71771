import { operationSources, operationTypes } from '../domain/operation-vocabulary.ts';

/** The decisions a policy gate takes. */
export const policyGates = ['plan', 'change', 'deploy', 'promote', 'tool-call', 'self-update', 'autonomy'] as const;
export type PolicyGate = (typeof policyGates)[number];

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

type FactKind =
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'enum-list'; values: readonly string[] }
  | { kind: 'text' }
  | { kind: 'text-list' }
  | { kind: 'number' }
  | { kind: 'boolean' };

export interface FactDefinition {
  description: string;
  type: FactKind;
}

const enumOf = (values: readonly string[]): FactKind => ({ kind: 'enum', values });

/**
 * Every fact a rule may match, with its type: the one list the parser checks a file against, the
 * gates fill in, and docs/policy.md describes. Facts a gate does not know are absent, and a rule
 * naming an absent fact does not match.
 */
export const factDefinitions = {
  gate: { description: 'The decision being taken.', type: enumOf(policyGates) },
  operation_type: { description: 'The operation type.', type: enumOf(operationTypes) },
  source: { description: 'Where the operation came from (a person through a surface, or the detector).', type: enumOf(operationSources) },
  severity: { description: "The detected issue's severity; `none` for work people asked for.", type: enumOf(['P0', 'P1', 'P2', 'P3', 'P4', 'none']) },
  affected_users: { description: 'Distinct users the detected issue reached (0 for work people asked for).', type: { kind: 'number' } },
  risk_level: { description: "The change's assessed risk.", type: enumOf(['low', 'medium', 'high', 'critical']) },
  risk_approval: {
    description:
      'The approval the risk assessment asks for: `auto` (every condition for an automatic pass holds), `team-lead`, `admin`, `manual-only` (test tampering).',
    type: enumOf(['auto', 'team-lead', 'admin', 'manual-only']),
  },
  risk_reasons: { description: 'The reasons the risk assessment gave (text).', type: { kind: 'text-list' } },
  review_verdict: {
    description: "The AI reviewer's verdict; `unreadable` when the review could not be read as a structured verdict.",
    type: enumOf(['approve', 'request_changes', 'unreadable']),
  },
  finding_severities: {
    description: 'Severities of the review findings (pipeline flags count as major).',
    type: { kind: 'enum-list', values: ['info', 'minor', 'major', 'critical'] },
  },
  protected_paths: { description: 'Protected paths the change touches (repository-relative).', type: { kind: 'text-list' } },
  self_protected: {
    description: "True when the change touches Mender's self-protected files (only in Mender's own repository; see `self_protected_paths`).",
    type: { kind: 'boolean' },
  },
  self_protected_paths: {
    description:
      "In Mender's own repository: the self-protected files the change touches (the supervisor, the policy, the tests of record; `src/safety/self-protected-paths.ts`). Whatever a rule decides, such a change waits for an admin and a second person.",
    type: { kind: 'text-list' },
  },
  plan_gate_listed: { description: 'True when the operation type is in the `planGate` setting (its plan waits for a person).', type: { kind: 'boolean' } },
  ships: {
    description: 'True when passing the gate puts the change in front of users: a deploy or promotion, or a merge into a branch that is deployed as it is.',
    type: { kind: 'boolean' },
  },
  environment: { description: 'The environment a deploy or promotion goes to.', type: enumOf(['staging', 'production']) },
  weekday: { description: 'The day of the week in the configured time zone (MENDER_TIME_ZONE).', type: { kind: 'enum', values: weekdays } },
  hour: { description: 'The hour (0–23) in the configured time zone.', type: { kind: 'number' } },
  business_hours: { description: "True inside the policy's business hours (days and times in the configured time zone).", type: { kind: 'boolean' } },
  deployments_today: { description: 'Changes this repository shipped since midnight in the configured time zone.', type: { kind: 'number' } },
  rollbacks_of_issue: { description: 'Rollbacks of changes made for the same detected issue.', type: { kind: 'number' } },
  autonomy: { description: 'The autonomy level in force (1–3).', type: { kind: 'number' } },
  requested_level: { description: 'At the `autonomy` gate: the level asked for.', type: { kind: 'number' } },
  days_at_level: { description: 'Whole days the team has run at the current autonomy level.', type: { kind: 'number' } },
  success_rate_at_level: {
    description:
      'Share (0–1) of operations ended at the current level that succeeded (`done` or `merged`) among those that succeeded, failed, were rolled back or were rejected after a change existed (cancelled ones, plans rejected before any change and rollback operations themselves do not count); 0 when none ended.',
    type: { kind: 'number' },
  },
  operations_at_level: { description: 'Operations that ended (and count for the success rate) at the current level.', type: { kind: 'number' } },
  tool: { description: 'At the `tool-call` gate: the tool called.', type: { kind: 'text' } },
} as const satisfies Record<string, FactDefinition>;

export type FactName = keyof typeof factDefinitions;
export type FactValue = string | number | boolean | readonly string[];

/** The facts of one decision: the gate always, the rest as far as the gate knows them. */
export type GateFacts = { gate: PolicyGate } & Partial<Record<FactName, FactValue>>;

export function isFactName(name: string): name is FactName {
  return Object.hasOwn(factDefinitions, name);
}
