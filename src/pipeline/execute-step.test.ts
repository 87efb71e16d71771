import { afterEach, describe, expect, it } from 'vitest';
import { executeOperation } from './execute-step.ts';
import { OperationFailure } from './pipeline-errors.ts';
import type { OperationEvidence } from './operation-evidence.ts';
import { fakePipelineContext } from './testing/fake-pipeline-context.ts';
import { operationRow } from './testing/fake-operation-records.ts';
import { testRun, type CheckScript } from './testing/fake-check-runner.ts';
import { ScriptedModel, type ScriptedReply } from './testing/scripted-model.ts';
import { throwawayRepository, type ThrowawayRepository } from './testing/throwaway-repository.ts';

const buggyCart = 'export const total = (items) => items.reduce((sum, item) => sum + item.price, 0);\n';
const fixedCart = 'export const total = (items) => items.reduce((sum, item) => sum + item.price * item.quantity, 0);\n';
const existingTest = 'test/cart.test.ts::sums single items';
const quantityTest = 'test/quantity.test.ts::multiplies the price by the quantity';

const plan = {
  summary: 'Multiply by the quantity.',
  rootCause: 'total() ignores quantity.',
  affectedFiles: ['src/cart.ts'],
  steps: [{ type: 'test', description: 'failing test' }],
  riskLevel: 'low',
  risks: [],
};

/** The coder writes a failing test and the fix, then finishes. */
const writesTestAndFix: ScriptedReply = {
  toolCalls: [
    { name: 'filesystem__writeFile', input: { path: 'test/quantity.test.ts', content: "it('multiplies the price by the quantity', () => {});\n" } },
    { name: 'filesystem__writeFile', input: { path: 'src/cart.ts', content: fixedCart } },
    { name: 'finish', input: { summary: 'multiplied by the quantity' } },
  ],
};
const finishes: ScriptedReply = { toolCalls: [{ name: 'finish', input: { summary: 'tried again' } }] };
const approves: ScriptedReply = { toolCalls: [{ name: 'submit_review', input: { summary: 'Right fix, with a test.', verdict: 'approve', findings: [] } }] };

/** Baseline passes; red: the new test fails on the old source; green: as `greenFailing` says per attempt. */
function suite(greenFailing: string[][]): CheckScript {
  return {
    runTests: (scope, call) => {
      if (call === 0) return testRun({ passing: [existingTest] });
      const failing = greenFailing[call - 1] ?? [];
      return testRun({ passing: [existingTest, quantityTest].filter((id) => !failing.includes(id)), failing });
    },
    runChangedTests: (files) => ({ ok: true, run: testRun({ failing: [quantityTest] }), files: [...files] }),
  };
}

let repository: ThrowawayRepository;
afterEach(() => repository?.remove());

async function executing(options: {
  maxAttempts: number;
  checks: CheckScript;
  coder: ScriptedModel;
  reviewer?: ScriptedModel;
  settings?: Parameters<typeof fakePipelineContext>[0]['settings'];
}) {
  repository = await throwawayRepository({ 'src/cart.ts': buggyCart, 'test/cart.test.ts': "it('sums single items', () => {});\n" });
  const context = fakePipelineContext({
    repo: repository.row,
    models: { coder: options.coder, reviewer: options.reviewer },
    checks: options.checks,
    settings: options.settings,
  });
  context.operations.add(
    operationRow({
      status: 'executing',
      plan,
      planMarkdown: '# Plan',
      branch: 'mender/op1-total',
      baseCommit: repository.base,
      maxAttempts: options.maxAttempts,
    }),
  );
  return context;
}

const transitionsOf = (calls: string[]) => calls.filter((call) => call.startsWith('transition'));

describe('executeOperation', () => {
  it('moves a verified first attempt on to review and keeps the branch', async () => {
    const context = await executing({
      maxAttempts: 3,
      checks: suite([[]]),
      coder: new ScriptedModel([writesTestAndFix]),
      reviewer: new ScriptedModel([approves]),
    });

    await executeOperation(context, 'op1', new AbortController().signal);

    const operation = await context.operations.get('op1');
    expect(transitionsOf(context.calls)).toEqual([
      'transition executing→verifying',
      'transition verifying→reviewing',
      'transition reviewing→awaiting_approval',
    ]);
    expect(operation.attempts).toBe(1);
    const evidence = operation.evidence as OperationEvidence;
    expect(evidence.baseline).toMatchObject({ command: 'npm test', passed: 1, failed: 0 });
    expect(evidence.red).toMatchObject({ status: 'confirmed', newlyFailing: [quantityTest], scope: 'changed-tests' });
    expect(evidence.green).toMatchObject({ status: 'passed', newFailures: [] });
    expect(context.forge.deletedBranches).toEqual([]);
    // The worktree is gone before the transition that makes the new status visible.
    expect(context.calls.slice(-2)).toEqual(['worktrees.remove op1', 'transition reviewing→awaiting_approval']);
  });

  it('gives an attempt that does not verify its reason as feedback and tries again', async () => {
    const coder = new ScriptedModel([writesTestAndFix, finishes]);
    // Attempt 1 breaks an existing test; attempt 2 leaves the new test failing.
    const context = await executing({ maxAttempts: 2, checks: suite([[existingTest], [quantityTest]]), coder });

    await executeOperation(context, 'op1', new AbortController().signal);

    expect(transitionsOf(context.calls)).toEqual([
      'transition executing→verifying',
      'transition verifying→executing',
      'transition executing→verifying',
      'transition verifying→failed',
    ]);
    expect(context.operations.events.find((event) => event.type === 'verification.failed')?.data).toMatchObject({
      attempt: 1,
      reason: `tests that passed before now fail: ${existingTest}`,
      green: 'failed',
    });
    expect(coder.turnPrompts).toHaveLength(2);
    expect(coder.turnPrompts[0]).not.toContain('tests that passed before now fail');
    expect(coder.turnPrompts[1]).toContain(`tests that passed before now fail: ${existingTest}`);
    expect(coder.turnPrompts[1]).toContain(`- ${existingTest}: sums single items failed`);
    const operation = await context.operations.get('op1');
    expect(operation.attempts).toBe(2);
    expect(operation.failureReason).toBe(`the change did not verify after 2 attempt(s): the new tests still fail with the change: ${quantityTest}`);
    expect((operation.evidence as OperationEvidence).attempts?.map((attempt) => attempt.reason)).toEqual([
      `tests that passed before now fail: ${existingTest}`,
      `the new tests still fail with the change: ${quantityTest}`,
    ]);
  });

  it('fails the operation when its only attempt does not verify, without a retry, and deletes the branch', async () => {
    const coder = new ScriptedModel([writesTestAndFix, finishes]);
    const context = await executing({ maxAttempts: 1, checks: suite([[existingTest]]), coder });

    await executeOperation(context, 'op1', new AbortController().signal);

    const operation = await context.operations.get('op1');
    expect(operation.status).toBe('failed');
    expect(operation.failureReason).toBe(`the change did not verify after 1 attempt(s): tests that passed before now fail: ${existingTest}`);
    expect(context.operations.eventTypes().at(-1)).toBe('operation.failed');
    expect(coder.turnPrompts).toHaveLength(1);
    expect(context.forge.deletedBranches).toEqual(['mender/op1-total']);
    expect(context.forge.published).toEqual([]);
  });

  it('stops the coder when the operation goes over its token budget', async () => {
    const overBudget: ScriptedReply = {
      toolCalls: [{ name: 'filesystem__writeFile', input: { path: 'src/cart.ts', content: fixedCart } }],
      inputTokens: 600,
      outputTokens: 10,
    };
    const coder = new ScriptedModel([overBudget, finishes]);
    const context = await executing({ maxAttempts: 3, checks: suite([[]]), coder, settings: { maxTokensPerOperation: 500 } });

    const executed = executeOperation(context, 'op1', new AbortController().signal);

    await expect(executed).rejects.toThrow(OperationFailure);
    await expect(executed).rejects.toThrow('budget: the operation used 610 model tokens, over its limit of 500 (MENDER_MAX_TOKENS_PER_OPERATION)');
    expect(coder.calls).toBe(1);
    expect(context.checks.calls.filter((call) => call === 'runTests')).toHaveLength(1);
    expect(context.calls.slice(-2)).toEqual(['worktrees.remove op1', 'forge.deleteBranch mender/op1-total']);
  });

  it('makes no attempt when the unchanged suite fails without naming a test', async () => {
    const coder = new ScriptedModel([writesTestAndFix]);
    const context = await executing({ maxAttempts: 3, checks: { runTests: () => testRun({ exitCode: 1 }) }, coder });

    await executeOperation(context, 'op1', new AbortController().signal);

    const operation = await context.operations.get('op1');
    expect(operation.status).toBe('failed');
    expect(operation.failureReason).toMatch(/^the test suite fails before any change \(npm test exits 1 without naming a failing test\)/);
    expect(context.operations.eventTypes().at(-1)).toBe('baseline.failed');
    expect(coder.calls).toBe(0);
  });
});
