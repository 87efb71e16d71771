import { runGit } from '../workspace/git.ts';
import { requestApproval, decideApproval, nextApprovalId } from './approvals.ts';
import { assessRisk } from '../safety/risk-assessment.ts';
import { decideChangeGate, recheckJob } from './change-gate.ts';
import { createProtectedPathMatcher, defaultProtectedPaths } from '../safety/protected-paths.ts';
import { selfProtectedChanges, selfProtectionMatcher } from './self-protection.ts';
import { diffStats, fileChanges, stagedDiff, stageAll } from './change-files.ts';
import { OperationFailure } from './pipeline-errors.ts';
import type { TransitionRequest } from './operation-store.ts';
import type { PipelineContext } from './pipeline-context.ts';
import { branchName, loadOperationRepo } from './operation-workspace.ts';
import { collectBaseline, summarizeRun } from './verify-change.ts';

/**
 * Rolling back a merged operation: its commits are reverted on a fresh branch from the current
 * default branch, the suite must pass as before (no new failures), and the revert goes through
 * the change gate like any change. Merging it marks the original `rolled_back`.
 */
export async function rollbackOperation(context: PipelineContext, operationId: string, signal: AbortSignal): Promise<void> {
  const { operations } = context;
  let operation = await operations.get(operationId);
  if (operation.status !== 'queued' && operation.status !== 'executing') return;
  const original = await operations.get(operation.rollbackOf!);
  if (!original.mergeCommit || !original.baseCommit) throw new OperationFailure(`operation ${original.id} has no merge to roll back`);
  const repo = await loadOperationRepo(context, operation.repoId);
  await context.forge.syncDefaultBranch(repo);
  const head = (await runGit(repo.path, ['rev-parse', `refs/heads/${repo.defaultBranch}`])).stdout.trim();
  operation = await operations.transition(operationId, {
    from: ['queued', 'executing'],
    to: 'executing',
    actor: 'mender',
    patch: { baseCommit: head, branch: branchName(operationId, `rollback ${original.id}`), attempts: 1 },
    event: {
      type: 'rollback.started',
      data: { of: original.id, commits: `${original.baseCommit.slice(0, 12)}..${original.mergeCommit.slice(0, 12)}`, onto: head },
    },
  });
  const root = await context.worktrees.create({ repoPath: repo.path, operationId, branch: operation.branch!, startPoint: head, resetBranch: true });
  let keepBranch = false;
  // The last transition waits until the worktree is gone: a merge it allows may need the folder.
  let final: TransitionRequest;
  try {
    const baseline = await collectBaseline(root, repo.commands, context.checks, signal);
    // A pull request merged with a merge commit is reverted as one commit against its first parent.
    const parents = (await runGit(root, ['rev-list', '--parents', '-n', '1', original.mergeCommit])).stdout.trim().split(' ').length - 1;
    const revertArguments = parents > 1 ? ['-m', '1', original.mergeCommit] : [`${original.baseCommit}..${original.mergeCommit}`];
    const reverted = await runGit(root, ['revert', '--no-edit', '--no-commit', ...revertArguments], { allowFailure: true });
    if (reverted.exitCode !== 0) {
      const conflicts = (await runGit(root, ['diff', '--name-only', '--diff-filter=U'], { allowFailure: true })).stdout.trim().split('\n').filter(Boolean);
      throw new OperationFailure(
        `operation ${original.id} cannot be reverted cleanly: conflict in ${conflicts.join(', ') || 'the change'}; later commits built on it, so revert it by hand`,
      );
    }
    await operations.transition(operationId, {
      from: ['executing'],
      to: 'verifying',
      actor: 'mender',
      event: { type: 'verification.started', data: { attempt: 1 } },
    });
    const run = await context.checks.runTests(root, repo.commands, signal);
    const before = new Set(baseline.failingIds);
    const newFailures = run ? run.report.failures.map((failure) => failure.id).filter((id) => !before.has(id)) : [];
    const green = run
      ? {
          status: newFailures.length === 0 && !(run.exitCode !== 0 && !run.report.structured) ? 'passed' : 'failed',
          run: summarizeRun(run),
          newFailures,
          stillFailing: [],
        }
      : { status: 'failed', newFailures: [], stillFailing: [] };
    const evidence = { baseline, red: { status: 'skipped', newlyFailing: [] }, green, flags: [] as string[] };
    if (green.status !== 'passed') {
      await operations.patch(operationId, { evidence });
      throw new OperationFailure(
        `the revert breaks tests that pass on ${repo.defaultBranch} now: ${newFailures.slice(0, 5).join(', ') || `exit ${run?.exitCode ?? 'none'}`}`,
      );
    }
    const diff = await stagedDiff(root, head);
    const stats = await diffStats(root, head);
    await stageAll(root);
    await runGit(root, [
      'commit',
      '--quiet',
      '--no-verify',
      '-m',
      `revert: roll back operation ${original.id}`,
      '-m',
      `Reverts ${original.baseCommit}..${original.mergeCommit} (${original.description.split('\n')[0]!.slice(0, 200)}).`,
      '-m',
      `Mender-Operation: ${operationId}\nMender-Rollback-Of: ${original.id}`,
    ]);
    const headCommit = (await runGit(root, ['rev-parse', 'HEAD'])).stdout.trim();
    const isProtected = createProtectedPathMatcher(context.settings.protectedPaths ?? defaultProtectedPaths);
    const files = await fileChanges(root, head, headCommit);
    // In Mender's own repository a revert is held like any change to its self-protected files.
    const isSelfProtected = selfProtectionMatcher(context.settings, repo);
    const selfProtectedPaths = isSelfProtected ? await selfProtectedChanges(root, head, headCommit, isSelfProtected) : [];
    const protectedHits = files.flatMap((file) => {
      const pattern = isProtected(file.path) ?? isSelfProtected?.(file.path);
      return pattern ? [{ path: file.path, pattern }] : [];
    });
    // A revert removes the tests its change added: that is the point, not tampering.
    const risk = assessRisk({ files, diff, whitespaceOnly: false, tamperingFlags: [], reviewFindings: [], protectedHits });
    // A revert has no reviewer: the gate sees its risk, the limits and the autonomy level.
    const decision = await decideChangeGate(
      context,
      operation,
      risk,
      undefined,
      protectedHits.map((hit) => hit.path),
      selfProtectedPaths,
    );
    keepBranch = true;
    const changeRequest = {
      operationId,
      repoId: operation.repoId,
      branch: operation.branch!,
      baseCommit: head,
      headCommit,
      title: `Roll back operation ${original.id}`,
      body: `Reverts ${original.baseCommit}..${original.mergeCommit}.\n\nGreen: ${run?.report.passed ?? 0} passed, no new failures.`,
      diff,
    };
    await context.forge.publishChangeRequest(repo, changeRequest, { riskMarkdown: `## Risk\n\nLevel: ${risk.level}; approval needed: ${decision.level}` });
    const approvalId = nextApprovalId(operationId, 'change', await operations.approvalsOf(operationId), headCommit);
    final = {
      from: ['verifying'],
      to: decision.pass ? 'merging' : 'awaiting_approval',
      actor: decision.pass ? 'policy' : 'mender',
      patch: {
        headCommit,
        evidence,
        risk,
        diffStats: { ...stats },
        plan: {
          summary: `Roll back operation ${original.id}`,
          rootCause: `Requested rollback of ${original.id}`,
          affectedFiles: files.map((item) => item.path),
          steps: [
            { type: 'implement', description: 'git revert of the merged commits' },
            { type: 'verify', description: 'the suite passes as before' },
          ],
          riskLevel: risk.level,
          risks: risk.reasons,
        },
      },
      event: decision.pass
        ? { type: 'change.auto_approved', data: { risk: risk.level, decision: decision.reason, rule: decision.rule, policy: decision.policy } }
        : {
            type: 'approval.requested',
            data: {
              gate: 'change',
              requiredLevel: decision.level,
              risk: risk.level,
              reasons: risk.reasons,
              decision: decision.reason,
              rule: decision.rule,
              recheckAt: decision.recheckAt,
              policy: decision.policy,
              ...(decision.selfProtection && { selfProtection: decision.selfProtection }),
            },
          },
      job: decision.pass ? { queue: 'merging', name: 'merge' } : recheckJob(context, decision.recheckAt),
      alsoInTransaction: async (executor, row) => {
        await context.forge.openChangeRequest(executor, { ...changeRequest, repoId: row.repoId, branch: row.branch! });
        await requestApproval(executor, { id: approvalId, operationId, gate: 'change', requiredLevel: decision.level });
        if (decision.pass) await decideApproval(executor, operationId, 'change', 'approved', 'policy', decision.reason);
      },
    };
  } finally {
    await context.worktrees.remove(repo.path, operationId);
    if (!keepBranch && operation.branch) await context.forge.deleteBranch(repo, operation.branch);
  }
  await operations.transition(operationId, final);
}
