import { runGit } from '../workspace/git.ts';
import { OperationFailure } from './pipeline-errors.ts';
import type { PipelineContext } from './pipeline-context.ts';
import { loadOperationRepo, type OperationRepo } from './operation-workspace.ts';
import type { OperationEvidence } from './operation-evidence.ts';
import { summarizeRun } from './verify-change.ts';
import type { OperationRow } from './operation-store.ts';
import { rollbackableStatuses, type OperationStatus } from '../domain/operation-vocabulary.ts';

/**
 * Merging an approved change through the repository's forge (a fast-forward locally, the pull
 * request's merge on GitHub) when the default branch has not moved; else rebase onto it and
 * verify again, failing with the conflicting files when it no longer applies.
 */
export async function mergeOperation(context: PipelineContext, operationId: string, signal: AbortSignal): Promise<void> {
  const { operations, forge } = context;
  const operation = await operations.get(operationId);
  if (operation.status !== 'merging') return;
  // The verified commits may have been made by another worker: fetched from the remote's work branch.
  const repo = await loadOperationRepo(context, operation.repoId, operation.branch ? [operation.branch] : []);
  let base = operation.baseCommit!;
  let head = operation.headCommit!;
  // A remote forge's default branch may have moved since the change was verified.
  await forge.syncDefaultBranch(repo);
  const rollbackPoint = (await runGit(repo.path, ['rev-parse', `refs/heads/${repo.defaultBranch}`])).stdout.trim();
  await operations.event(operationId, 'mender', { type: 'rollback_point.recorded', data: { branch: repo.defaultBranch, commit: rollbackPoint } });
  if (await addsNothing(repo.path, base, head)) return endWithNothingToMerge(context, operation, repo);
  let outcome = await forge.merge(repo, { operationId, branch: operation.branch!, base, head });
  if (!outcome.ok && outcome.moved) {
    await operations.event(operationId, 'mender', { type: 'merge.rebasing', data: { reason: outcome.reason } });
    const rebased = await rebaseAndVerify(context, operation, repo, outcome.moved.head, signal);
    base = outcome.moved.head;
    head = rebased;
    // Rebasing drops commits the default branch already has: what is left may be nothing.
    if (await addsNothing(repo.path, base, head)) return endWithNothingToMerge(context, operation, repo);
    outcome = await forge.merge(repo, { operationId, branch: operation.branch!, base, head });
  }
  if (!outcome.ok) throw new OperationFailure(`merge failed: ${outcome.reason}`);
  const mergeCommit = outcome.mergeCommit;
  await operations.transition(operationId, {
    from: ['merging'],
    to: 'merged',
    actor: 'mender',
    patch: { mergeCommit, headCommit: head, baseCommit: base },
    event: { type: 'change.merged', data: { into: repo.defaultBranch, mergeCommit, method: outcome.method } },
    alsoInTransaction: (executor) => forge.closeChangeRequest(executor, operationId, 'merged', mergeCommit),
  });
  await forge.deleteBranch(repo, operation.branch!);
  if (operation.rollbackOf) await markReverted(context, operation.rollbackOf, operationId, mergeCommit);
  // A repository with deploy settings ships the merged commit; else a merged change is done.
  const delivery = context.delivery ? await context.delivery.afterMerge(operationId) : { shipping: false as const, reason: 'not configured' };
  if (delivery.shipping) return;
  await operations.transition(operationId, {
    from: ['merged'],
    to: 'done',
    actor: 'mender',
    event: { type: 'operation.done', data: { deployment: delivery.reason } },
  });
}

/** Whether `head` has the same files as `base`: merging it would not change the default branch. */
async function addsNothing(repoPath: string, base: string, head: string): Promise<boolean> {
  if (base === head) return true;
  return (await runGit(repoPath, ['diff', '--quiet', base, head], { allowFailure: true })).exitCode === 0;
}

/**
 * The default branch already has the change: claiming a merge would be untrue (it did not move).
 * The operation ends `done` with the reason on its event, its change request closed unmerged.
 */
async function endWithNothingToMerge(context: PipelineContext, operation: OperationRow, repo: OperationRepo): Promise<void> {
  const branch = repo.defaultBranch;
  await context.operations.transition(operation.id, {
    from: ['merging'],
    to: 'done',
    actor: 'mender',
    event: {
      type: 'operation.done',
      data: {
        deployment: 'nothing to deploy: nothing was merged',
        reason: 'already_on_default_branch',
        note: `${branch} already has this change: nothing was merged and ${branch} did not move`,
      },
    },
    alsoInTransaction: (executor) => context.forge.closeChangeRequest(executor, operation.id, 'closed'),
  });
  await context.forge.deleteBranch(repo, operation.branch!);
}

/**
 * The reverted operation ends `rolled_back`; one whose release was already rolled back (or never
 * started) by the deploy runner keeps its status and gets the revert on its timeline.
 */
async function markReverted(context: PipelineContext, originalId: string, revertId: string, revertCommit: string): Promise<void> {
  const original = await context.operations.get(originalId);
  if (rollbackableStatuses.has(original.status as OperationStatus)) {
    await context.operations.transition(originalId, {
      from: [...rollbackableStatuses],
      to: 'rolled_back',
      actor: 'mender',
      event: { type: 'operation.rolled_back', data: { by: revertId, revertCommit } },
    });
    return;
  }
  await context.operations.event(originalId, 'mender', { type: 'operation.reverted', data: { by: revertId, revertCommit } });
}

async function rebaseAndVerify(context: PipelineContext, operation: OperationRow, repo: OperationRepo, newBase: string, signal: AbortSignal): Promise<string> {
  const root = await context.worktrees.create({
    repoPath: repo.path,
    operationId: operation.id,
    branch: operation.branch!,
    startPoint: operation.headCommit!,
    resetBranch: true,
  });
  try {
    const rebase = await runGit(root, ['rebase', '--quiet', newBase], { allowFailure: true });
    if (rebase.exitCode !== 0) {
      const conflicts = (await runGit(root, ['diff', '--name-only', '--diff-filter=U'], { allowFailure: true })).stdout.trim().split('\n').filter(Boolean);
      await runGit(root, ['rebase', '--abort'], { allowFailure: true });
      throw new OperationFailure(
        `${repo.defaultBranch} moved and the change no longer applies: conflict in ${conflicts.join(', ') || 'the change'}; retry the operation to plan it again on the new ${repo.defaultBranch}`,
      );
    }
    const run = await context.checks.runTests(root, repo.commands, signal);
    const evidence = operation.evidence as OperationEvidence;
    const baselineFailing = new Set(evidence.baseline?.failingIds ?? []);
    const newFailures = run ? run.report.failures.map((failure) => failure.id).filter((id) => !baselineFailing.has(id)) : [];
    if (run && (newFailures.length > 0 || (!run.report.structured && run.exitCode !== 0))) {
      throw new OperationFailure(`${repo.defaultBranch} moved; after rebasing, tests fail: ${newFailures.slice(0, 5).join(', ') || `exit ${run.exitCode}`}`);
    }
    const rebasedHead = (await runGit(root, ['rev-parse', 'HEAD'])).stdout.trim();
    await context.operations.patch(operation.id, {
      evidence: { ...evidence, rebased: { onto: newBase, head: rebasedHead, run: run ? summarizeRun(run) : undefined } },
    });
    await context.operations.event(operation.id, 'mender', {
      type: 'merge.reverified',
      data: { onto: newBase, head: rebasedHead, passed: run?.report.passed ?? 0 },
    });
    return rebasedHead;
  } finally {
    await context.worktrees.remove(repo.path, operation.id);
  }
}
