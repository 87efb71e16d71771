import type { Executor } from '../../store/database.ts';
import { runGit } from '../../workspace/git.ts';
import type { ChangeRequestRecords } from '../change-request-records.ts';
import type { ChangeRequestInput, ChangeRequestView, ForgeRepo, MergeOutcome, MergeRequest } from '../forge.ts';
import type { RemoteForge } from '../forge-router.ts';
// The git side of GitHub's remote is plain git (fetch, push, clone): shared rather than copied.
import type { GitHubRemote, RemoteAccess } from '../github/github-remote.ts';

/**
 * The forge of a repository registered by a plain git URL: change requests are the database's
 * records (as the local forge's), the operation's branch is pushed to the remote when the change
 * is proposed, and a merge moves the remote's default branch forward from the verified base (a
 * push with a lease, refused when it moved). Mender's clone then follows the remote.
 */
export class GitRemoteForge implements RemoteForge {
  constructor(
    private readonly remoteUrlOf: (repoId: string) => Promise<string | undefined>,
    private readonly changeRequests: ChangeRequestRecords,
    private readonly remote: GitHubRemote,
  ) {}

  async handles(repoId: string): Promise<boolean> {
    return (await this.remoteUrlOf(repoId)) !== undefined;
  }

  async cloneInto(repoId: string, target: string): Promise<void> {
    await this.remote.clone(await this.access(repoId), target);
  }

  async fetchBranches(repo: ForgeRepo, branches: readonly string[]): Promise<void> {
    await this.remote.fetchBranches(repo, await this.access(repo.id), branches);
  }

  openChangeRequest(executor: Executor, input: ChangeRequestInput): Promise<void> {
    return this.changeRequests.open(executor, input);
  }

  changeRequestOf(operationId: string): Promise<ChangeRequestView | undefined> {
    return this.changeRequests.of(operationId);
  }

  closeChangeRequest(executor: Executor, operationId: string, status: 'merged' | 'closed', mergeCommit?: string): Promise<void> {
    return this.changeRequests.close(executor, operationId, status, mergeCommit);
  }

  async syncDefaultBranch(repo: ForgeRepo): Promise<void> {
    await this.remote.sync(repo, await this.access(repo.id));
  }

  /** The branch on the remote is the change request's content: any worker fetches it from there. */
  async publishChangeRequest(repo: ForgeRepo, input: ChangeRequestInput): Promise<void> {
    await this.remote.push(repo, await this.access(repo.id), input.branch, input.headCommit);
  }

  async merge(repo: ForgeRepo, request: MergeRequest): Promise<MergeOutcome> {
    const access = await this.access(repo.id);
    const remoteHead = await this.remote.sync(repo, access);
    if (remoteHead !== request.base)
      return {
        ok: false,
        reason: `${repo.defaultBranch} on the remote moved from ${request.base.slice(0, 12)} to ${remoteHead.slice(0, 12)}`,
        moved: { head: remoteHead },
      };
    await this.remote.push(repo, access, request.branch, request.head);
    const pushed = await this.remote.pushFastForward(repo, access, request.base, request.head);
    if (pushed.exitCode !== 0) {
      const now = await this.remote.sync(repo, access);
      const reason = `the remote refused moving ${repo.defaultBranch}: ${pushed.stderr.trim() || 'no reason given'}`;
      // Moved meanwhile: rebase and try again; refused for another reason: the merge fails with it.
      return now === request.base ? { ok: false, reason } : { ok: false, reason, moved: { head: now } };
    }
    await this.remote.sync(repo, access);
    return { ok: true, mergeCommit: request.head, method: 'fast-forward' };
  }

  async deleteBranch(repo: ForgeRepo, branch: string): Promise<void> {
    await this.remote.deleteBranch(repo, await this.access(repo.id), branch);
    await runGit(repo.path, ['branch', '-D', branch], { allowFailure: true });
  }

  private async access(repoId: string): Promise<RemoteAccess> {
    const url = await this.remoteUrlOf(repoId);
    if (!url) throw new Error(`repository ${repoId} has no git remote`);
    return { fetchUrl: url, token: async () => undefined };
  }
}
