import { afterEach, describe, expect, it } from 'vitest';
import { reviewAndPropose } from './review-step.ts';
import { evidenceMarkdown } from './evidence-markdown.ts';
import { OperationFailure } from './pipeline-errors.ts';
import type { OperationEvidence } from './operation-evidence.ts';
import { loadOperationRepo } from './operation-workspace.ts';
import type { AttemptEvidence } from './verify-change.ts';
import { fakePipelineContext } from './testing/fake-pipeline-context.ts';
import { operationRow } from './testing/fake-operation-records.ts';
import { ScriptedModel, type ScriptedReply } from './testing/scripted-model.ts';
import { throwawayRepository, type ThrowawayRepository } from './testing/throwaway-repository.ts';
import type { Settings } from '../config/settings-schema.ts';

const quantityTest = 'test/quantity.test.ts::multiplies the price by the quantity';
const plan = {
  summary: 'Multiply by the quantity.',
  rootCause: 'total() ignores quantity.',
  affectedFiles: ['src/cart.ts', 'test/quantity.test.ts'],
  steps: [{ type: 'test', description: 'failing test' }],
  riskLevel: 'low',
  risks: [],
};

const attempt: AttemptEvidence = {
  attempt: 1,
  verified: true,
  reason: 'red confirmed, green passed',
  changedFiles: [
    { path: 'src/cart.ts', status: 'modified', isTest: false },
    { path: 'test/quantity.test.ts', status: 'added', isTest: true },
  ],
  red: { status: 'confirmed', newlyFailing: [quantityTest], scope: 'changed-tests' },
  green: { status: 'passed', stillFailing: [], newFailures: [] },
  checks: {},
  flags: [],
};

function verifiedEvidence(flags: string[] = []): OperationEvidence {
  return {
    baseline: { command: 'npm test', exitCode: 0, passed: 1, failed: 0, failingIds: [], structured: true, durationMs: 40, checks: {} },
    attempts: [{ ...attempt, flags }],
    red: attempt.red,
    green: attempt.green,
    checks: {},
    flags,
  };
}

const approves: ScriptedReply = {
  toolCalls: [
    {
      name: 'submit_review',
      input: { summary: 'Right fix, with a test.', verdict: 'approve', findings: [{ severity: 'info', category: 'other', message: 'fine' }] },
    },
  ],
};

let repository: ThrowawayRepository;
afterEach(() => repository?.remove());

/** A verified, uncommitted change in the checkout, as execution leaves it for review. */
async function reviewing(options: { reviewer: ScriptedModel; settings?: Partial<Settings>; flags?: string[]; deploy?: Record<string, unknown> }) {
  repository = await throwawayRepository({ 'src/cart.ts': 'function add(sum, item) {\n  return sum + item.price;\n}\n' });
  repository.write('src/cart.ts', 'function add(sum, item) {\n  return sum + item.price * item.quantity;\n}\n');
  repository.write('test/quantity.test.ts', "it('multiplies the price by the quantity', () => {});\n");
  const context = fakePipelineContext({
    repo: { ...repository.row, deploy: options.deploy ?? null },
    models: { reviewer: options.reviewer },
    settings: options.settings,
  });
  const evidence = verifiedEvidence(options.flags);
  context.operations.add(
    operationRow({
      status: 'reviewing',
      plan,
      planMarkdown: '# Plan: fix op1',
      branch: 'mender/op1-total',
      baseCommit: repository.base,
      evidence,
      attempts: 1,
    }),
  );
  const repo = await loadOperationRepo(context, 'repo1');
  const propose = () => reviewAndPropose(context, 'op1', repo, repository.path, new AbortController().signal);
  return { context, evidence, propose };
}

describe('reviewAndPropose', () => {
  it('under autonomy 1 holds the reviewed change for a team lead and opens its change request with the evidence', async () => {
    const { context, evidence, propose } = await reviewing({ reviewer: new ScriptedModel([approves]), settings: { autonomyLevel: 1 } });

    const final = await propose();

    expect(final).toMatchObject({ from: ['reviewing'], to: 'awaiting_approval', actor: 'reviewer', job: undefined });
    expect(final.event).toMatchObject({ type: 'approval.requested', data: { gate: 'change', requiredLevel: 'team-lead', verdict: 'approve', risk: 'low' } });
    const headCommit = final.patch?.headCommit;
    expect(headCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(headCommit).not.toBe(repository.base);
    // Published before the transition; recorded inside it.
    expect(context.forge.published).toHaveLength(1);
    expect(context.forge.published[0]!.details.riskMarkdown).toContain('approval needed: team-lead');
    expect(context.forge.opened).toEqual([]);

    await context.operations.transition('op1', final);

    const [opened] = context.forge.opened;
    expect(opened).toMatchObject({
      operationId: 'op1',
      branch: 'mender/op1-total',
      baseCommit: repository.base,
      headCommit,
      title: 'fix: Multiply by the quantity.',
    });
    expect(opened!.body).toContain(`## Evidence\n\n${evidenceMarkdown(evidence)}`);
    expect(opened!.body).toContain('Verdict: approve');
    expect(opened!.body).toContain('Changed files: src/cart.ts, test/quantity.test.ts');
    expect(opened!.diff).toContain('+  return sum + item.price * item.quantity;');
    expect(context.operations.transactionWrites).toEqual([
      {
        table: 'approvals',
        kind: 'insert',
        values: { id: `op1-change-1-${headCommit!.slice(0, 12)}`, operationId: 'op1', gate: 'change', requiredLevel: 'team-lead' },
      },
    ]);
  });

  it('under autonomy 3 passes the change gate by policy and queues the merge', async () => {
    const { context, propose } = await reviewing({ reviewer: new ScriptedModel([approves]), settings: { autonomyLevel: 3 } });

    const final = await propose();

    expect(final).toMatchObject({ to: 'merging', actor: 'policy', job: { queue: 'merging', name: 'merge' }, event: { type: 'change.auto_approved' } });
    await context.operations.transition('op1', final);
    expect(context.forge.opened).toHaveLength(1);
    expect(context.operations.transactionWrites.map((write) => [write.kind, write.values.decision ?? write.values.requiredLevel])).toEqual([
      ['insert', 'auto'],
      ['update', 'approved'],
    ]);
    expect(context.operations.transactionWrites[1]!.values).toMatchObject({ decidedBy: 'policy' });
  });

  it('counts a merge as shipping only for a repository Mender does not deploy: there the deploy gate ships it', async () => {
    const shipsAtTheChangeGate = async (deploy?: Record<string, unknown>) => {
      const { propose } = await reviewing({ reviewer: new ScriptedModel([approves]), settings: { autonomyLevel: 3 }, deploy });
      const final = await propose();
      repository.remove();
      return (final.event.data as { policy: { facts: { ships: boolean } } }).policy.facts.ships;
    };
    expect(await shipsAtTheChangeGate()).toBe(true);
    expect(await shipsAtTheChangeGate({ onMerge: true, environments: [] })).toBe(false);
    expect(await shipsAtTheChangeGate({ onMerge: false })).toBe(true);
  });

  it('at autonomy 3 holds a change the reviewer asked to change for a person, naming the rule', async () => {
    const requestsChanges: ScriptedReply = {
      toolCalls: [{ name: 'submit_review', input: { summary: 'Wrong place for the fix.', verdict: 'request_changes', findings: [] } }],
    };
    const { propose } = await reviewing({ reviewer: new ScriptedModel([requestsChanges]), settings: { autonomyLevel: 3 } });

    const final = await propose();

    expect(final).toMatchObject({
      to: 'awaiting_approval',
      event: { type: 'approval.requested', data: { requiredLevel: 'team-lead', rule: 'reviewer-requests-changes' } },
    });
  });

  it('at autonomy 3 holds a change whose review could not be read for a person', async () => {
    const { propose } = await reviewing({ reviewer: new ScriptedModel([{ text: 'Looks fine to me.' }]), settings: { autonomyLevel: 3 } });

    const final = await propose();

    expect(final).toMatchObject({ to: 'awaiting_approval', event: { data: { rule: 'reviewer-requests-changes', verdict: 'unreadable' } } });
  });

  it('makes a pipeline flag a finding and holds the change for a person, whatever the autonomy and the reviewer say', async () => {
    const flag = 'test file edited after the source change: test/quantity.test.ts';
    const { propose } = await reviewing({ reviewer: new ScriptedModel([approves]), settings: { autonomyLevel: 3 }, flags: [flag] });

    const final = await propose();

    expect(final).toMatchObject({ to: 'awaiting_approval', job: undefined, event: { data: { requiredLevel: 'manual-only', risk: 'critical' } } });
    expect(final.patch?.review).toMatchObject({
      verdict: 'approve',
      findings: [
        { severity: 'info', message: 'fine' },
        { severity: 'major', category: 'test_tampering', message: flag },
      ],
    });
  });

  it('records a reviewer that answers in prose as a request for changes, its words the summary', async () => {
    const { propose } = await reviewing({ reviewer: new ScriptedModel([{ text: 'Looks risky to me.' }]), settings: { autonomyLevel: 1 } });

    const final = await propose();

    expect(final.patch?.review).toEqual({ summary: 'Looks risky to me.', verdict: 'request_changes', findings: [] });
    expect(final.event.data).toMatchObject({ verdict: 'unreadable' });
  });

  it('fails with a retryable reason when the forge cannot publish the change', async () => {
    const { context, propose } = await reviewing({ reviewer: new ScriptedModel([approves]) });
    context.forge.publishError = new Error('github is down');

    const proposed = propose();

    await expect(proposed).rejects.toThrow(OperationFailure);
    await expect(proposed).rejects.toThrow('the verified change could not be published: github is down; retry the operation once the forge is reachable');
  });
});
