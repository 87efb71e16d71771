import { describe, expect, it } from 'vitest';
import { GatePolicy } from '../../src/policy/gate-policy.ts';
import { loadPolicy } from '../../src/policy/load-policy.ts';
import type { GateFacts } from '../../src/policy/policy-facts.ts';

// Wednesday 2 December 2026 in UTC: inside business hours at 11:00, outside at 20:00; Saturday 5th.
const weekdayMorning = new Date('2026-12-02T11:00:00Z');
const weekdayEvening = new Date('2026-12-02T20:00:00Z');
const saturdayNoon = new Date('2026-12-05T12:00:00Z');

/** A detector's low-risk fix the reviewer approved, at autonomy 2, in business hours: it passes. */
const change: GateFacts = {
  gate: 'change',
  operation_type: 'fix',
  source: 'detector',
  severity: 'P3',
  affected_users: 3,
  risk_level: 'low',
  risk_approval: 'team-lead',
  risk_reasons: ['4 lines in 2 file(s), no sensitive area'],
  review_verdict: 'approve',
  finding_severities: [],
  protected_paths: [],
  ships: true,
  deployments_today: 0,
  rollbacks_of_issue: 0,
  autonomy: 2,
};
const asked: GateFacts = { ...change, source: 'slack', severity: 'none', affected_users: 0 };
const plan: GateFacts = { gate: 'plan', operation_type: 'fix', source: 'api', severity: 'none', plan_gate_listed: false, autonomy: 1 };
const deploy: GateFacts = { ...change, gate: 'deploy', environment: 'staging' };
const promote: GateFacts = { ...change, gate: 'promote', environment: 'production' };
const autonomy: GateFacts = { gate: 'autonomy', autonomy: 2, requested_level: 3, days_at_level: 45, success_rate_at_level: 0.95, operations_at_level: 40 };

type Case = [name: string, facts: GateFacts, outcome: 'allow' | 'ask' | 'deny', rule: string, level?: string, at?: Date];

const cases: Case[] = [
  // The reviewer is a second opinion that holds at every level.
  ['autonomy 1, reviewer requests changes', { ...change, autonomy: 1, review_verdict: 'request_changes' }, 'ask', 'reviewer-requests-changes', 'team-lead'],
  ['autonomy 2, reviewer requests changes', { ...change, review_verdict: 'request_changes' }, 'ask', 'reviewer-requests-changes', 'team-lead'],
  ['autonomy 3, reviewer requests changes', { ...change, autonomy: 3, review_verdict: 'request_changes' }, 'ask', 'reviewer-requests-changes', 'team-lead'],
  ['autonomy 3, unreadable review', { ...change, autonomy: 3, review_verdict: 'unreadable' }, 'ask', 'reviewer-requests-changes', 'team-lead'],
  ['autonomy 2, auto-eligible but unreadable review', { ...asked, risk_approval: 'auto', review_verdict: 'unreadable' }, 'ask', 'reviewer-requests-changes'],
  ['autonomy 3, a major finding', { ...change, autonomy: 3, finding_severities: ['info', 'major'] }, 'ask', 'reviewer-major-finding', 'team-lead'],
  ['autonomy 3, a critical finding', { ...change, autonomy: 3, finding_severities: ['critical'] }, 'ask', 'reviewer-major-finding'],
  ['autonomy 3, a minor finding passes', { ...change, autonomy: 3, finding_severities: ['minor'] }, 'allow', 'autonomy-3-passes', 'auto'],
  // Mender's own repository: its self-protected files wait for an admin at every level.
  [
    'autonomy 3, a change to a self-protected file',
    { ...change, autonomy: 3, risk_level: 'high', risk_approval: 'admin', self_protected: true, self_protected_paths: ['src/supervisor/supervisor.ts'] },
    'ask',
    'self-protected-paths',
    'admin',
  ],
  [
    'autonomy 2, a self-protected file and test tampering',
    { ...change, risk_level: 'critical', risk_approval: 'manual-only', self_protected: true, self_protected_paths: ['test/x.test.ts'] },
    'deny',
    'test-tampering-manual-only',
  ],
  // Risk floors.
  ['autonomy 3, admin risk', { ...change, autonomy: 3, risk_level: 'high', risk_approval: 'admin' }, 'ask', 'risk-needs-admin', 'admin'],
  [
    'autonomy 2, admin risk outranks the reviewer',
    { ...change, risk_approval: 'admin', review_verdict: 'request_changes' },
    'ask',
    'risk-needs-admin',
    'admin',
  ],
  [
    'autonomy 3, test tampering',
    { ...change, autonomy: 3, risk_level: 'critical', risk_approval: 'manual-only' },
    'deny',
    'test-tampering-manual-only',
    'manual-only',
  ],
  ['autonomy 1, test tampering', { ...change, autonomy: 1, risk_approval: 'manual-only' }, 'deny', 'test-tampering-manual-only', 'manual-only'],
  // Autonomy 1.
  ['autonomy 1, low-risk detector fix', { ...change, autonomy: 1 }, 'ask', 'autonomy-1-asks', 'team-lead'],
  ['autonomy 1, auto-eligible change', { ...asked, autonomy: 1, risk_approval: 'auto' }, 'ask', 'autonomy-1-asks'],
  ['autonomy 1, staging deploy', { ...deploy, autonomy: 1 }, 'ask', 'autonomy-1-asks'],
  ['autonomy 1, promotion', { ...promote, autonomy: 1 }, 'ask', 'autonomy-1-asks'],
  ['autonomy 1, self-update', { gate: 'self-update', autonomy: 1 }, 'ask', 'autonomy-1-asks'],
  // Autonomy 2.
  ['autonomy 2, low-risk P3 fix for 3 users', change, 'allow', 'autonomy-2-low-risk-fix', 'auto'],
  ['autonomy 2, low-risk P2 fix for 9 users', { ...change, severity: 'P2', affected_users: 9 }, 'allow', 'autonomy-2-low-risk-fix'],
  ['autonomy 2, low-risk P4 fix', { ...change, severity: 'P4' }, 'allow', 'autonomy-2-low-risk-fix'],
  ['autonomy 2, P1 affecting 12 users', { ...change, severity: 'P1', affected_users: 12 }, 'ask', 'autonomy-2-severe-issue', 'team-lead'],
  ['autonomy 2, P0 affecting 1 user', { ...change, severity: 'P0', affected_users: 1 }, 'ask', 'autonomy-2-severe-issue'],
  ['autonomy 2, P3 affecting 10 users', { ...change, affected_users: 10 }, 'ask', 'autonomy-2-many-users', 'team-lead'],
  ['autonomy 2, P2 affecting 50 users', { ...change, severity: 'P2', affected_users: 50 }, 'ask', 'autonomy-2-many-users'],
  ['autonomy 2, medium-risk P3 fix', { ...change, risk_level: 'medium' }, 'ask', 'autonomy-2-otherwise-asks', 'team-lead'],
  ['autonomy 2, auto-eligible request from a person', { ...asked, risk_approval: 'auto' }, 'allow', 'autonomy-2-auto-eligible', 'auto'],
  ['autonomy 2, low-risk request from a person', asked, 'ask', 'autonomy-2-otherwise-asks'],
  ['autonomy 2, staging deploy', deploy, 'allow', 'autonomy-2-staging', 'auto'],
  ['autonomy 2, low-risk promotion', promote, 'allow', 'autonomy-2-promote-low-risk', 'auto'],
  ['autonomy 2, medium-risk promotion', { ...promote, risk_level: 'medium' }, 'ask', 'autonomy-2-otherwise-asks'],
  ['autonomy 2, production deploy', { ...deploy, environment: 'production' }, 'ask', 'autonomy-2-otherwise-asks'],
  // Autonomy 3.
  ['autonomy 3, medium-risk P2', { ...change, autonomy: 3, severity: 'P2', risk_level: 'medium' }, 'allow', 'autonomy-3-passes', 'auto'],
  ['autonomy 3, P1 affecting 500 users', { ...change, autonomy: 3, severity: 'P1', affected_users: 500 }, 'allow', 'autonomy-3-passes'],
  ['autonomy 3, P0 affecting 99 users', { ...change, autonomy: 3, severity: 'P0', affected_users: 99 }, 'allow', 'autonomy-3-passes'],
  ['autonomy 3, P0 affecting 100 users', { ...change, autonomy: 3, severity: 'P0', affected_users: 100 }, 'ask', 'autonomy-3-p0-many-users', 'team-lead'],
  ['autonomy 3, P0 affecting 240 users at promotion', { ...promote, autonomy: 3, severity: 'P0', affected_users: 240 }, 'ask', 'autonomy-3-p0-many-users'],
  ['autonomy 3, production deploy', { ...deploy, autonomy: 3, environment: 'production' }, 'allow', 'autonomy-3-passes'],
  // Limits.
  ['autonomy 3, the 11th deployment of the day', { ...change, autonomy: 3, deployments_today: 10 }, 'ask', 'daily-deployment-limit', 'team-lead'],
  ['autonomy 2, the 10th deployment of the day passes', { ...change, deployments_today: 9 }, 'allow', 'autonomy-2-low-risk-fix'],
  ['autonomy 2, staging deploy over the daily limit', { ...deploy, deployments_today: 12 }, 'ask', 'daily-deployment-limit'],
  ['autonomy 3, a fourth try after 3 rollbacks', { ...change, autonomy: 3, rollbacks_of_issue: 3 }, 'ask', 'rollback-limit', 'team-lead'],
  ['autonomy 2, after 2 rollbacks', { ...change, rollbacks_of_issue: 2 }, 'allow', 'autonomy-2-low-risk-fix'],
  // Business hours.
  ['autonomy 2, P3 at 20:00', change, 'ask', 'outside-business-hours', 'team-lead', weekdayEvening],
  ['autonomy 3, P2 on a Saturday', { ...change, autonomy: 3, severity: 'P2' }, 'ask', 'outside-business-hours', 'team-lead', saturdayNoon],
  ['autonomy 3, P1 at 20:00 ships', { ...change, autonomy: 3, severity: 'P1' }, 'allow', 'autonomy-3-passes', 'auto', weekdayEvening],
  ['autonomy 3, request from a person at 20:00', { ...asked, autonomy: 3 }, 'allow', 'autonomy-3-passes', 'auto', weekdayEvening],
  ['autonomy 2, staging deploy of a P4 at 20:00', { ...deploy, severity: 'P4' }, 'ask', 'outside-business-hours', 'team-lead', weekdayEvening],
  // Plans.
  ['plan of a listed type', { ...plan, operation_type: 'implement', plan_gate_listed: true }, 'ask', 'plan-gate-listed', 'team-lead'],
  ['plan of an unlisted type', plan, 'allow', 'plan-passes', 'auto'],
  ['plan at autonomy 3', { ...plan, autonomy: 3 }, 'allow', 'plan-passes'],
  // Autonomy level changes.
  ['autonomy 3 after 45 days at 95 %', autonomy, 'allow', 'autonomy-change', 'auto'],
  ['autonomy 3 on the first day', { ...autonomy, days_at_level: 0 }, 'deny', 'autonomy-3-needs-30-days', 'manual-only'],
  ['autonomy 3 after 29 days', { ...autonomy, days_at_level: 29 }, 'deny', 'autonomy-3-needs-30-days'],
  ['autonomy 3 with 80 % success', { ...autonomy, success_rate_at_level: 0.8 }, 'deny', 'autonomy-3-needs-success'],
  ['autonomy 3 straight from level 1', { ...autonomy, autonomy: 1 }, 'deny', 'autonomy-3-from-level-2-only'],
  ['autonomy 2 from level 1', { ...autonomy, autonomy: 1, requested_level: 2, days_at_level: 0 }, 'allow', 'autonomy-change'],
  // Tool calls.
  ['a tool call', { gate: 'tool-call', tool: 'edit_file', autonomy: 1 }, 'allow', 'tool-calls'],
];

describe('the built-in policy', () => {
  const policy = loadPolicy(undefined);

  it.each(cases)('%s', (_name, facts, outcome, rule, level, at = weekdayMorning) => {
    const { decision } = new GatePolicy(policy, 'UTC', () => at).decide(facts);
    expect({ outcome: decision.outcome, rule: decision.ruleId }).toEqual({ outcome, rule });
    if (level) expect(decision.level).toBe(level);
  });

  it('has a case for every rule', () => {
    const covered = new Set(cases.map((entry) => entry[3]));
    expect(policy.rules.map((rule) => rule.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it('fills the facts into the reason and times a business-hours wait for the next opening', () => {
    const { decision } = new GatePolicy(policy, 'Europe/London', () => weekdayEvening).decide(change);
    expect(decision.reason).toBe('a P3 change does not ship outside business hours; it goes on when they start, or a person approves it now');
    expect(decision.recheckAt).toBe('2026-12-03T09:00:00.000Z');
    const severe = new GatePolicy(policy, 'UTC', () => weekdayMorning).decide({ ...change, autonomy: 3, severity: 'P0', affected_users: 240 });
    expect(severe.decision.reason).toContain('a P0 affecting 240 users');
  });

  it('asks a team lead when no rule matches', () => {
    const { decision } = new GatePolicy(policy, 'UTC', () => weekdayMorning).decide({ gate: 'self-update', autonomy: 3 });
    expect(decision).toMatchObject({ outcome: 'ask', ruleId: 'default', level: 'team-lead' });
  });
});
