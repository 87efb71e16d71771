import { afterEach, describe, expect, it } from 'vitest';
import { planOperation } from './plan-step.ts';
import { OperationFailure } from './pipeline-errors.ts';
import { fakePipelineContext } from './testing/fake-pipeline-context.ts';
import { operationRow } from './testing/fake-operation-records.ts';
import { ScriptedModel } from './testing/scripted-model.ts';
import { throwawayRepository, type ThrowawayRepository } from './testing/throwaway-repository.ts';

const plan = {
  summary: 'Multiply the price by the quantity in total().',
  rootCause: 'src/cart.ts sums item.price and ignores item.quantity.',
  affectedFiles: ['src/cart.ts', 'test/cart.test.ts'],
  steps: [
    { type: 'test', description: 'a test with quantity 3 that fails' },
    { type: 'implement', description: 'multiply by the quantity' },
  ],
  riskLevel: 'low',
  risks: [],
};

let repository: ThrowawayRepository;
afterEach(() => repository?.remove());

async function planning(type: string, planner: ScriptedModel) {
  repository = await throwawayRepository({
    'src/cart.ts': 'export const total = (items) => items.reduce((sum, item) => sum + item.price, 0);\n',
    'AGENTS.md': 'Run npm test before finishing.\n',
  });
  const context = fakePipelineContext({ repo: repository.row, models: { planner } });
  context.operations.add(operationRow({ type, status: 'queued' }));
  return context;
}

describe('planOperation', () => {
  it('sends an ungated plan straight to execution, from the default branch the forge synced', async () => {
    const planner = new ScriptedModel([{ toolCalls: [{ name: 'submit_plan', input: plan }] }]);
    const context = await planning('fix', planner);

    await planOperation(context, 'op1', new AbortController().signal);

    const operation = await context.operations.get('op1');
    expect(operation.status).toBe('executing');
    expect(operation.baseCommit).toBe(repository.base);
    expect(operation.branch).toBe('mender/op1-the-total-ignores-the-quantity');
    expect(operation.plan).toMatchObject({ summary: plan.summary });
    expect(operation.planMarkdown).toContain('# Plan: fix op1');
    expect(context.operations.jobs).toEqual([{ operationId: 'op1', job: { queue: 'execution', name: 'execute' } }]);
    expect(context.operations.transactionWrites).toEqual([]);
    expect(context.operations.events.find((event) => event.type === 'plan.created')?.data).toMatchObject({ gate: 'auto', riskLevel: 'low' });
    // Synced before planning; the planning worktree is gone before the plan's transition.
    expect(context.calls).toEqual([
      'forge.syncDefaultBranch shop',
      'transition queued→planning',
      'worktrees.createDetached op1-planning',
      'worktrees.remove op1-planning',
      'transition planning→executing',
    ]);
    // The planner read the repository's instructions.
    expect(planner.turnPrompts[0]).toContain('Run npm test before finishing.');
  });

  it('holds a plan of a gated type for a team lead, with no execution job', async () => {
    const context = await planning('implement', new ScriptedModel([{ toolCalls: [{ name: 'submit_plan', input: plan }] }]));

    await planOperation(context, 'op1', new AbortController().signal);

    expect((await context.operations.get('op1')).status).toBe('awaiting_plan_approval');
    expect(context.operations.jobs).toEqual([]);
    expect(context.operations.transactionWrites).toEqual([
      { table: 'approvals', kind: 'insert', values: expect.objectContaining({ operationId: 'op1', gate: 'plan', requiredLevel: 'team-lead' }) },
    ]);
    expect(context.operations.events.find((event) => event.type === 'plan.created')?.data).toMatchObject({ gate: 'team-lead' });
  });

  it('fails the step when the planner ends without submitting a plan, and still removes the worktree', async () => {
    const context = await planning('fix', new ScriptedModel([{ text: 'I think the bug is in cart.ts.' }]));

    const planned = planOperation(context, 'op1', new AbortController().signal);

    await expect(planned).rejects.toThrow(OperationFailure);
    await expect(planned).rejects.toThrow(/without calling submit_plan; it said: I think the bug is in cart\.ts\./);
    expect((await context.operations.get('op1')).status).toBe('planning');
    expect(context.calls.at(-1)).toBe('worktrees.remove op1-planning');
  });

  it('refuses to plan when the default branch does not exist, before any worktree', async () => {
    const context = await planning('fix', new ScriptedModel([]));
    context.repos.rows[0]!.defaultBranch = 'trunk';

    await expect(planOperation(context, 'op1', new AbortController().signal)).rejects.toThrow(/the default branch trunk does not exist/);
    expect((await context.operations.get('op1')).status).toBe('queued');
    expect(context.worktrees.created).toEqual([]);
  });

  it('leaves an operation that is past planning alone', async () => {
    const context = await planning('fix', new ScriptedModel([]));
    await context.operations.patch('op1', { status: 'executing' });

    await planOperation(context, 'op1', new AbortController().signal);

    expect(context.calls).toEqual([]);
  });
});
