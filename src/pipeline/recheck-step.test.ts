import { describe, expect, it } from 'vitest';
import { GatePolicy } from '../policy/gate-policy.ts';
import { loadPolicy } from '../policy/load-policy.ts';
import { recheckChangeGate } from './recheck-step.ts';
import { fakePipelineContext } from './testing/fake-pipeline-context.ts';
import { operationRow } from './testing/fake-operation-records.ts';

// Wednesday 2 December 2026 in UTC: 20:00, and the window's opening the next morning.
const evening = new Date('2026-12-02T20:00:00Z');
const opening = '2026-12-03T09:00:00.000Z';
const repo = {
  id: 'repo1',
  name: 'cart',
  path: '/nowhere',
  defaultBranch: 'main',
  commands: {},
  source: 'api',
  deploy: null,
  self: false,
  dataFolderId: null,
  remoteUrl: null,
  createdAt: evening,
};

/** A low-risk, auto-eligible change at autonomy 2 that waits only for business hours. */
function waiting(options: { merges?: number } = {}) {
  let now = evening;
  const context = fakePipelineContext({ repo, settings: { autonomyLevel: 2 } });
  context.policy = new GatePolicy(loadPolicy(undefined), 'UTC', () => now);
  context.gateFacts = { issueFacts: async () => ({ affectedUsers: 0, rollbacksOfIssue: 0 }), mergedSince: async () => options.merges ?? 0 };
  context.operations.add(
    operationRow({
      status: 'awaiting_approval',
      type: 'refactor',
      errorContext: { message: 'no test', severity: 'P3' },
      headCommit: 'abc123',
      risk: { level: 'low', requiredApproval: 'auto', reasons: ['tests only'], categories: ['tests-only'], linesChanged: 6, autoEligible: true },
      review: { summary: 'fine', verdict: 'approve', findings: [] },
    }),
  );
  void context.operations.event('op1', 'reviewer', {
    type: 'approval.requested',
    data: { gate: 'change', rule: 'outside-business-hours', recheckAt: opening, policy: { facts: { review_verdict: 'approve', protected_paths: [] } } },
  });
  return { context, moveClock: (to: string) => (now = new Date(to)) };
}

describe('the recheck of a wait for business hours', () => {
  it('does nothing before recheckAt by the policy clock', async () => {
    const { context } = waiting();
    expect(await recheckChangeGate(context, 'op1')).toEqual({ outcome: 'not-due', recheckAt: opening });
    expect(context.operations.transitions).toEqual([]);
  });

  it('at recheckAt merges as an automatic approval, decided by policy', async () => {
    const { context, moveClock } = waiting();
    moveClock(opening);
    expect(await recheckChangeGate(context, 'op1')).toEqual({ outcome: 'approved', rule: 'autonomy-2-auto-eligible' });
    const [transition] = context.operations.transitions;
    expect(transition?.request).toMatchObject({ to: 'merging', actor: 'policy', job: { queue: 'merging', name: 'merge' } });
    expect(transition?.request.event).toMatchObject({ type: 'change.auto_approved', data: { rule: 'autonomy-2-auto-eligible', recheck: true } });
    expect(context.operations.transactionWrites).toContainEqual(
      expect.objectContaining({ table: 'approvals', kind: 'update', values: expect.objectContaining({ decision: 'approved', decidedBy: 'policy' }) }),
    );
  });

  it('keeps waiting, for a person, when another rule asks now', async () => {
    const { context, moveClock } = waiting({ merges: 10 });
    moveClock(opening);
    expect(await recheckChangeGate(context, 'op1')).toEqual({ outcome: 'still-waiting', rule: 'daily-deployment-limit', recheckAt: undefined });
    expect(context.operations.eventTypes()).toContain('approval.rechecked');
    expect(context.operations.transitions).toEqual([]);
    // The new wait has no recheckAt: later rechecks leave it to a person.
    expect(await recheckChangeGate(context, 'op1')).toEqual({ outcome: 'not-waiting' });
  });

  it('is a no-op once a person decided', async () => {
    const { context, moveClock } = waiting();
    await context.operations.patch('op1', { status: 'merging' });
    moveClock(opening);
    expect(await recheckChangeGate(context, 'op1')).toEqual({ outcome: 'not-waiting' });
    expect(context.operations.transitions).toEqual([]);
  });
});
