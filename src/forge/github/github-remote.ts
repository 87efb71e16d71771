import fs from 'node:fs';
import path from 'node:path';
import { runGit, type GitResult } from '../../workspace/git.ts';
import type { ForgeRepo } from '../forge.ts';
import { gitCredentialEnvironment } from './git-credentials.ts';

/** Where git fetches and pushes a repository, and the token to do it with. */
export interface RemoteAccess {
  fetchUrl: string;
  token(): Promise<string | undefined>;
}

/**
 * Git operations between Mender's clone (`<dataDir>/repos/<name>`) and the remote. Fetches and
 * pushes get the credentials through the environment of that one git process; operations on one
 * clone are serialized so a fetch never races a push or another fetch.
 */
export class GitHubRemote {
  private readonly locks = new Map<string, Promise<unknown>>();

  async clone(access: RemoteAccess, target: string): Promise<void> {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    await runGit(path.dirname(target), ['clone', '--quiet', '--origin', 'origin', access.fetchUrl, target], { env: await this.environment(access) });
  }

  /** Fetches the default branch and moves the clone's checkout to it (Mender owns the clone: nobody edits it). */
  async sync(repo: ForgeRepo, access: RemoteAccess): Promise<string> {
    return this.serialized(repo.path, async () => {
      await this.git(repo, access, ['fetch', '--quiet', '--prune', 'origin', `+refs/heads/${repo.defaultBranch}:refs/remotes/origin/${repo.defaultBranch}`]);
      const remoteHead = (await runGit(repo.path, ['rev-parse', `refs/remotes/origin/${repo.defaultBranch}`])).stdout.trim();
      await runGit(repo.path, ['checkout', '--quiet', '-B', repo.defaultBranch, remoteHead]);
      await runGit(repo.path, ['reset', '--quiet', '--hard', remoteHead]);
      return remoteHead;
    });
  }

  /** Pushes `commit` as the operation's branch; the branch is Mender's own, so a rebased head replaces it. */
  async push(repo: ForgeRepo, access: RemoteAccess, branch: string, commit: string): Promise<void> {
    await this.serialized(repo.path, () => this.git(repo, access, ['push', '--quiet', '--force', 'origin', `${commit}:refs/heads/${branch}`]));
  }

  /**
   * Fetches the default branch and `branches` (the operation's work branch, pushed by the worker
   * before) into remote-tracking refs: a step that starts from the branch's commit finds it in this
   * clone whichever worker made it. A branch not on the remote yet is no error.
   */
  async fetchBranches(repo: ForgeRepo, access: RemoteAccess, branches: readonly string[]): Promise<void> {
    await this.serialized(repo.path, async () => {
      await this.git(repo, access, ['fetch', '--quiet', 'origin', `+refs/heads/${repo.defaultBranch}:refs/remotes/origin/${repo.defaultBranch}`]);
      for (const branch of branches) await this.git(repo, access, ['fetch', '--quiet', 'origin', `+refs/heads/${branch}:refs/remotes/origin/${branch}`], true);
    });
  }

  /**
   * Moves the remote's default branch from `base` to `head` (a descendant of it), refused by the
   * remote when the branch is no longer at `base`: the merge of a plain git remote, with no forge API.
   */
  async pushFastForward(repo: ForgeRepo, access: RemoteAccess, base: string, head: string): Promise<GitResult> {
    const ref = `refs/heads/${repo.defaultBranch}`;
    return this.serialized(repo.path, () => this.git(repo, access, ['push', '--quiet', `--force-with-lease=${ref}:${base}`, 'origin', `${head}:${ref}`], true));
  }

  async deleteBranch(repo: ForgeRepo, access: RemoteAccess, branch: string): Promise<void> {
    await this.serialized(repo.path, () => this.git(repo, access, ['push', '--quiet', 'origin', '--delete', branch], true));
  }

  private async git(repo: ForgeRepo, access: RemoteAccess, args: string[], allowFailure = false): Promise<GitResult> {
    return runGit(repo.path, args, { env: await this.environment(access), allowFailure });
  }

  private async environment(access: RemoteAccess): Promise<Record<string, string>> {
    return gitCredentialEnvironment(access.fetchUrl, await access.token());
  }

  private serialized<Result>(key: string, work: () => Promise<Result>): Promise<Result> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.locks.set(key, next);
    void next
      .finally(() => {
        if (this.locks.get(key) === next) this.locks.delete(key);
      })
      .catch(() => undefined);
    return next;
  }
}
