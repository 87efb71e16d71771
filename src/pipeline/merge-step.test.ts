import { afterEach, describe, expect, it } from 'vitest';
import { mergeOperation } from './merge-step.ts';
import { OperationFailure } from './pipeline-errors.ts';
import { fakePipelineContext } from './testing/fake-pipeline-context.ts';
import { operationRow } from './testing/fake-operation-records.ts';
import { testRun, type CheckScript } from './testing/fake-check-runner.ts';
import { throwawayRepository, type ThrowawayRepository } from './testing/throwaway-repository.ts';

const branch = 'mender/op1-total';
let repository: ThrowawayRepository;
afterEach(() => repository?.remove());

/** main at base; the agent branch with one commit on cart.ts; main then moved by `mainChange`, if any. */
async function merging(options: { mainChange?: Record<string, string>; checks?: CheckScript; rollbackOf?: string } = {}) {
  repository = await throwawayRepository({ 'src/cart.ts': 'const rate = 1;\n', 'README.md': 'shop\n' });
  repository.git('checkout', '--quiet', '-b', branch);
  repository.write('src/cart.ts', 'const rate = 2;\n');
  repository.git('commit', '--quiet', '--no-verify', '-am', 'fix: rate');
  const head = repository.git('rev-parse', 'HEAD');
  repository.git('checkout', '--quiet', 'main');
  let movedMain: string | undefined;
  if (options.mainChange) {
    for (const [file, content] of Object.entries(options.mainChange)) repository.write(file, content);
    repository.git('commit', '--quiet', '--no-verify', '-am', 'someone else');
    movedMain = repository.git('rev-parse', 'HEAD');
  }
  const context = fakePipelineContext({ repo: repository.row, checks: options.checks });
  context.operations.add(
    operationRow({
      status: 'merging',
      branch,
      baseCommit: repository.base,
      headCommit: head,
      evidence: { baseline: { command: 'npm test', exitCode: 0, passed: 1, failed: 0, failingIds: [], structured: true, durationMs: 5, checks: {} } },
      rollbackOf: options.rollbackOf ?? null,
    }),
  );
  if (movedMain) context.forge.mergeOutcomes = [{ ok: false, reason: 'main moved', moved: { head: movedMain } }];
  return { context, head, movedMain };
}

describe('mergeOperation', () => {
  it('merges an unmoved change, records the rollback point, closes the change request and finishes the operation', async () => {
    const { context, head } = await merging();

    await mergeOperation(context, 'op1', new AbortController().signal);

    expect(context.forge.merges).toEqual([{ operationId: 'op1', branch, base: repository.base, head }]);
    expect(context.operations.events.find((event) => event.type === 'rollback_point.recorded')?.data).toEqual({ branch: 'main', commit: repository.base });
    expect(context.calls.filter((call) => call.startsWith('transition'))).toEqual(['transition merging→merged', 'transition merged→done']);
    expect(context.forge.closed).toEqual([{ operationId: 'op1', status: 'merged', mergeCommit: 'merge-commit' }]);
    expect(context.forge.deletedBranches).toEqual([branch]);
    expect(await context.operations.get('op1')).toMatchObject({ status: 'done', mergeCommit: 'merge-commit' });
  });

  it('marks the operation it rolls back as rolled back once the revert is merged', async () => {
    const { context } = await merging({ rollbackOf: 'op0' });
    context.operations.add(operationRow({ id: 'op0', status: 'done' }));

    await mergeOperation(context, 'op1', new AbortController().signal);

    expect((await context.operations.get('op0')).status).toBe('rolled_back');
    expect(context.operations.events.find((event) => event.type === 'operation.rolled_back')?.data).toMatchObject({ by: 'op1', revertCommit: 'merge-commit' });
  });

  it('hands a merged change to the delivery port and leaves the operation to it when it ships', async () => {
    const { context } = await merging();
    const asked: string[] = [];
    context.delivery = {
      afterMerge: async (operationId) => {
        asked.push(operationId);
        return { shipping: true, deploymentId: 'dep1' };
      },
    };

    await mergeOperation(context, 'op1', new AbortController().signal);

    expect(asked).toEqual(['op1']);
    expect((await context.operations.get('op1')).status).toBe('merged');
  });

  it('ends done with the delivery port’s reason when the repository does not deploy', async () => {
    const { context } = await merging();
    context.delivery = { afterMerge: async () => ({ shipping: false, reason: 'deploys only when asked (onMerge: false)' }) };

    await mergeOperation(context, 'op1', new AbortController().signal);

    expect((await context.operations.get('op1')).status).toBe('done');
    expect(context.operations.events.find((event) => event.type === 'operation.done')?.data).toMatchObject({
      deployment: 'deploys only when asked (onMerge: false)',
    });
  });

  it('records a revert on an operation whose release was already rolled back, instead of failing the revert', async () => {
    const { context } = await merging({ rollbackOf: 'op0' });
    context.operations.add(operationRow({ id: 'op0', status: 'rolled_back' }));

    await mergeOperation(context, 'op1', new AbortController().signal);

    expect((await context.operations.get('op1')).status).toBe('done');
    expect((await context.operations.get('op0')).status).toBe('rolled_back');
    expect(context.operations.events.find((event) => event.type === 'operation.reverted')?.data).toMatchObject({ by: 'op1', revertCommit: 'merge-commit' });
  });

  it('fails with the forge reason when the merge is refused and the branch has not moved', async () => {
    const { context } = await merging();
    context.forge.mergeOutcomes = [{ ok: false, reason: 'the pull request is not mergeable' }];

    await expect(mergeOperation(context, 'op1', new AbortController().signal)).rejects.toThrow(
      new OperationFailure('merge failed: the pull request is not mergeable'),
    );
    expect((await context.operations.get('op1')).status).toBe('merging');
    expect(context.forge.deletedBranches).toEqual([]);
  });

  it('rebases onto a moved default branch, verifies again and merges the rebased head', async () => {
    const { context, movedMain } = await merging({
      mainChange: { 'README.md': 'shop, now with docs\n' },
      checks: { runTests: () => testRun({ passing: ['test/cart.test.ts::rate'] }) },
    });

    await mergeOperation(context, 'op1', new AbortController().signal);

    const rebasedHead = repository.git('rev-parse', branch);
    expect(repository.git('rev-parse', `${branch}^`)).toBe(movedMain);
    expect(context.forge.merges.at(-1)).toEqual({ operationId: 'op1', branch, base: movedMain, head: rebasedHead });
    expect(context.operations.eventTypes()).toContain('merge.reverified');
    expect(await context.operations.get('op1')).toMatchObject({
      status: 'done',
      baseCommit: movedMain,
      headCommit: rebasedHead,
      evidence: { rebased: { onto: movedMain, head: rebasedHead } },
    });
    expect(context.calls).toContain('worktrees.remove op1');
  });

  it('fails naming the conflicting file when the change no longer applies to the moved branch', async () => {
    const { context } = await merging({ mainChange: { 'src/cart.ts': 'const rate = 3;\n' } });

    await expect(mergeOperation(context, 'op1', new AbortController().signal)).rejects.toThrow(
      /main moved and the change no longer applies: conflict in src\/cart\.ts/,
    );
    expect(context.forge.merges).toHaveLength(1);
    expect(context.checks.calls).toEqual([]);
  });

  it('fails when tests that passed before fail after the rebase', async () => {
    const { context } = await merging({
      mainChange: { 'README.md': 'moved\n' },
      checks: { runTests: () => testRun({ failing: ['test/cart.test.ts::rate'] }) },
    });

    await expect(mergeOperation(context, 'op1', new AbortController().signal)).rejects.toThrow(
      'main moved; after rebasing, tests fail: test/cart.test.ts::rate',
    );
    expect(context.forge.merges).toHaveLength(1);
  });
});
