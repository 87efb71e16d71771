import { and, eq } from 'drizzle-orm';
import type { Database, Executor } from '../store/database.ts';
import { changeRequests } from '../store/schema.ts';
import { newId } from '../store/ids.ts';
import { runGit } from '../workspace/git.ts';

export type ChangeRequestRow = typeof changeRequests.$inferSelect;

export interface ChangeRequestInput {
  operationId: string;
  repoId: string;
  branch: string;
  baseCommit: string;
  headCommit: string;
  title: string;
  body: string;
  diff: string;
}

export type MergeOutcome = { ok: true; mergeCommit: string; method: 'fast-forward' } | { ok: false; reason: string; moved?: { head: string } };

/**
 * The local forge: change requests live in the database, branches in the target repository,
 * and a merge fast-forwards the default branch (the checkout's files follow when it is checked out).
 */
export class LocalForge {
  constructor(private readonly db: Database) {}

  async openChangeRequest(executor: Executor, input: ChangeRequestInput): Promise<void> {
    const [existing] = await executor.select().from(changeRequests).where(and(eq(changeRequests.operationId, input.operationId), eq(changeRequests.status, 'open')));
    if (existing) {
      await executor.update(changeRequests).set({ ...input, updatedAt: new Date() }).where(eq(changeRequests.id, existing.id));
      return;
    }
    await executor.insert(changeRequests).values({ id: newId(), ...input, status: 'open' });
  }

  async changeRequestOf(operationId: string): Promise<ChangeRequestRow | undefined> {
    const rows = await this.db.select().from(changeRequests).where(eq(changeRequests.operationId, operationId));
    return rows.find((row) => row.status === 'open') ?? rows.at(-1);
  }

  async closeChangeRequest(executor: Executor, operationId: string, status: 'merged' | 'closed', mergeCommit?: string): Promise<void> {
    await executor
      .update(changeRequests)
      .set({ status, mergeCommit: mergeCommit ?? null, updatedAt: new Date() })
      .where(and(eq(changeRequests.operationId, operationId), eq(changeRequests.status, 'open')));
  }

  /**
   * Fast-forwards the default branch to `headCommit` when it still points at `expectedBase`.
   * When the branch is checked out in a worktree, that worktree is updated with `merge --ff-only`
   * so its files follow; otherwise the ref moves with compare-and-swap.
   */
  async fastForward(repoPath: string, defaultBranch: string, expectedBase: string, headCommit: string): Promise<MergeOutcome> {
    const current = (await runGit(repoPath, ['rev-parse', `refs/heads/${defaultBranch}`])).stdout.trim();
    if (current !== expectedBase) return { ok: false, reason: `${defaultBranch} moved from ${expectedBase.slice(0, 12)} to ${current.slice(0, 12)}`, moved: { head: current } };
    const checkout = await this.checkoutOf(repoPath, defaultBranch);
    if (checkout) {
      const merged = await runGit(checkout, ['merge', '--ff-only', '--quiet', headCommit], { allowFailure: true });
      if (merged.exitCode !== 0) {
        return { ok: false, reason: `the checkout at ${checkout} could not be fast-forwarded: ${merged.stderr.trim() || merged.stdout.trim()}; commit or stash local changes there and approve again` };
      }
    } else {
      await runGit(repoPath, ['update-ref', `refs/heads/${defaultBranch}`, headCommit, expectedBase]);
    }
    return { ok: true, mergeCommit: headCommit, method: 'fast-forward' };
  }

  async deleteBranch(repoPath: string, branch: string): Promise<void> {
    await runGit(repoPath, ['branch', '-D', branch], { allowFailure: true });
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
