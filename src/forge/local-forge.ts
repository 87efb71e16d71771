import type { Executor } from '../store/database.ts';
import { runGit } from '../workspace/git.ts';
import type { ChangeRequestRecords } from './change-request-records.ts';
import type { ChangeRequestInput, ChangeRequestView, Forge, ForgeRepo, MergeOutcome, MergeRequest } from './forge.ts';

/**
 * The local forge: change requests live in the database, branches in the target repository,
 * and a merge fast-forwards the default branch (the checkout's files follow when it is checked out).
 */
export class LocalForge implements Forge {
  constructor(private readonly records: ChangeRequestRecords) {}

  openChangeRequest(executor: Executor, input: ChangeRequestInput): Promise<void> {
    return this.records.open(executor, input);
  }

  changeRequestOf(operationId: string): Promise<ChangeRequestView | undefined> {
    return this.records.of(operationId);
  }

  closeChangeRequest(executor: Executor, operationId: string, status: 'merged' | 'closed', mergeCommit?: string): Promise<void> {
    return this.records.close(executor, operationId, status, mergeCommit);
  }

  async syncDefaultBranch(): Promise<void> {
    // The checkout is the source of truth: nothing to fetch.
  }

  async publishChangeRequest(): Promise<void> {
    // The database record is the change request: nothing to publish.
  }

  merge(repo: ForgeRepo, request: MergeRequest): Promise<MergeOutcome> {
    return this.fastForward(repo.path, repo.defaultBranch, request.base, request.head);
  }

  /**
   * Fast-forwards the default branch to `headCommit` when it still points at `expectedBase`.
   * When the branch is checked out in a worktree, that worktree is updated with `merge --ff-only`
   * so its files follow; otherwise the ref moves with compare-and-swap.
   */
  async fastForward(repoPath: string, defaultBranch: string, expectedBase: string, headCommit: string): Promise<MergeOutcome> {
    const current = (await runGit(repoPath, ['rev-parse', `refs/heads/${defaultBranch}`])).stdout.trim();
    if (current !== expectedBase)
      return { ok: false, reason: `${defaultBranch} moved from ${expectedBase.slice(0, 12)} to ${current.slice(0, 12)}`, moved: { head: current } };
    const checkout = await this.checkoutOf(repoPath, defaultBranch);
    if (checkout) {
      const merged = await runGit(checkout, ['merge', '--ff-only', '--quiet', headCommit], { allowFailure: true });
      if (merged.exitCode !== 0) {
        return {
          ok: false,
          reason: `the checkout at ${checkout} could not be fast-forwarded: ${merged.stderr.trim() || merged.stdout.trim()}; commit or stash local changes there and approve again`,
        };
      }
    } else {
      await runGit(repoPath, ['update-ref', `refs/heads/${defaultBranch}`, headCommit, expectedBase]);
    }
    return { ok: true, mergeCommit: headCommit, method: 'fast-forward' };
  }

  async deleteBranch(repo: ForgeRepo, branch: string): Promise<void> {
    await runGit(repo.path, ['branch', '-D', branch], { allowFailure: true });
  }

  /** The worktree (main checkout included) that has `branch` checked out, if any. */
  private async checkoutOf(repoPath: string, branch: string): Promise<string | undefined> {
    const listing = (await runGit(repoPath, ['worktree', 'list', '--porcelain'])).stdout;
    let current: string | undefined;
    for (const line of listing.split('\n')) {
      if (line.startsWith('worktree ')) current = line.slice('worktree '.length);
      else if (line === `branch refs/heads/${branch}` && current) return current;
    }
    return undefined;
  }
}
