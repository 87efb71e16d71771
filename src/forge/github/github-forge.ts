import type { Database, Executor } from '../../store/database.ts';
import type { Logger } from '../../logging/logger.ts';
import { runGit } from '../../workspace/git.ts';
import type { ChangeRequestRecords } from '../change-request-records.ts';
import type { ChangeRequestInput, ChangeRequestView, Forge, ForgeRepo, MergeOutcome, MergeRequest } from '../forge.ts';
import type { GitHubClient } from './github-client.ts';
import { GitHubRecords, type GitHubRepositoryRow, type PullRequestRow } from './github-records.ts';
import type { GitHubRemote, RemoteAccess } from './github-remote.ts';
import { fitBody, menderMarker, pullRequestBody } from './pull-request-body.ts';

export interface GitHubForgeOptions {
  mergeMethod: 'squash' | 'rebase' | 'merge';
  /** owner/name → git URL or path used instead of the GitHub remote (mirrors, tests). */
  remoteMap?: Record<string, string>;
}

/** A GitHub call failed in a way the operation cannot get past; the message says what GitHub answered. */
export class GitHubForgeError extends Error {
  readonly code = 'github_failed';
  override name = 'GitHubForgeError';
}

const markReadyMutation = 'mutation($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { isDraft } } }';
const convertToDraftMutation = 'mutation($id: ID!) { convertPullRequestToDraft(input: { pullRequestId: $id }) { pullRequest { isDraft } } }';

/**
 * The GitHub forge: the branch is pushed to the remote and the change request is a pull request,
 * opened as a draft and marked ready for review once the change is verified and reviewed. An
 * approved change is merged through the API, so GitHub's branch protection and required checks
 * still apply and the pull request shows as merged; the clone then follows the remote.
 */
export class GitHubForge implements Forge {
  readonly records: GitHubRecords;

  constructor(
    db: Database,
    private readonly changeRequests: ChangeRequestRecords,
    private readonly client: GitHubClient | undefined,
    private readonly remote: GitHubRemote,
    private readonly options: GitHubForgeOptions,
    private readonly log: Logger,
  ) {
    this.records = new GitHubRecords(db);
  }

  /** True when the repository was registered from GitHub (so this forge acts on it). */
  async handles(repoId: string): Promise<boolean> {
    return (await this.records.repository(repoId)) !== undefined;
  }

  async cloneInto(repoId: string, target: string): Promise<void> {
    const repository = await this.records.repository(repoId);
    if (!repository) throw new GitHubForgeError(`repository ${repoId} is not registered from GitHub`);
    await this.remote.clone(this.accessFor(repository), target);
  }

  async fetchBranches(repo: ForgeRepo, branches: readonly string[]): Promise<void> {
    await this.remote.fetchBranches(repo, this.accessFor(await this.repositoryOf(repo)), branches);
  }

  /** How git reaches owner/name: the mapped URL when configured, else GitHub's. */
  accessFor(repository: { owner: string; name: string; remoteUrl: string }): RemoteAccess {
    const mapped = this.options.remoteMap?.[`${repository.owner}/${repository.name}`];
    return { fetchUrl: mapped ?? repository.remoteUrl, token: async () => this.client?.token() };
  }

  openChangeRequest(executor: Executor, input: ChangeRequestInput): Promise<void> {
    return this.changeRequests.open(executor, input);
  }

  async changeRequestOf(operationId: string): Promise<ChangeRequestView | undefined> {
    const record = await this.changeRequests.of(operationId);
    if (!record) return undefined;
    const pullRequest = await this.records.pullRequestOf(operationId);
    return pullRequest ? { ...record, url: pullRequest.url, number: pullRequest.number } : record;
  }

  closeChangeRequest(executor: Executor, operationId: string, status: 'merged' | 'closed', mergeCommit?: string): Promise<void> {
    return this.changeRequests.close(executor, operationId, status, mergeCommit);
  }

  async syncDefaultBranch(repo: ForgeRepo): Promise<void> {
    const repository = await this.repositoryOf(repo);
    await this.remote.sync(repo, this.accessFor(repository));
  }

  async publishChangeRequest(repo: ForgeRepo, input: ChangeRequestInput, details: { riskMarkdown?: string }): Promise<void> {
    const repository = await this.repositoryOf(repo);
    const octokit = this.octokit();
    await this.remote.push(repo, this.accessFor(repository), input.branch, input.headCommit);
    const issue = await this.records.issueOf(input.operationId);
    // "Fixes #n" lets GitHub close the issue when the pull request merges.
    const body = pullRequestBody({
      operationId: input.operationId,
      body: `${issue ? `Fixes #${issue.number}\n\n` : ''}${input.body}`,
      riskMarkdown: details.riskMarkdown,
    });
    const target = { owner: repository.owner, repo: repository.name };
    let pullRequest = await this.records.pullRequestOf(input.operationId);
    if (pullRequest && pullRequest.state === 'open') {
      await this.call('update the pull request', () => octokit.rest.pulls.update({ ...target, pull_number: pullRequest!.number, title: input.title, body }));
    } else {
      // Draft first: the pull request exists from the moment the branch does.
      const created = await this.call('open a pull request', () =>
        octokit.rest.pulls.create({ ...target, title: input.title, head: input.branch, base: repo.defaultBranch, body, draft: true }),
      );
      pullRequest = {
        operationId: input.operationId,
        repoId: repo.id,
        number: created.data.number,
        nodeId: created.data.node_id,
        url: created.data.html_url,
        branch: input.branch,
        state: 'open',
        draft: created.data.draft ?? true,
        createdAt: new Date(),
        updatedAt: new Date(),
      };
      await this.records.savePullRequest(pullRequest);
      // A courtesy: a lost comment must not undo a published change.
      if (issue)
        await this.postComment(repository, issue.number, `The verified change is in pull request #${pullRequest.number}: ${pullRequest.url}`).catch(
          () => undefined,
        );
    }
    if (pullRequest.draft) {
      await this.call('mark the pull request ready for review', () => octokit.graphql(markReadyMutation, { id: pullRequest!.nodeId }));
      await this.records.updatePullRequest(input.operationId, { draft: false });
    }
  }

  async merge(repo: ForgeRepo, request: MergeRequest): Promise<MergeOutcome> {
    const repository = await this.repositoryOf(repo);
    const access = this.accessFor(repository);
    const remoteHead = await this.remote.sync(repo, access);
    if (remoteHead !== request.base) {
      return {
        ok: false,
        reason: `${repo.defaultBranch} on GitHub moved from ${request.base.slice(0, 12)} to ${remoteHead.slice(0, 12)}`,
        moved: { head: remoteHead },
      };
    }
    const pullRequest = await this.records.pullRequestOf(request.operationId);
    if (!pullRequest || pullRequest.state !== 'open')
      return { ok: false, reason: `operation ${request.operationId} has no open pull request on ${repository.owner}/${repository.name}` };
    // A rebased head replaces the branch first, so the pull request shows what is merged.
    await this.remote.push(repo, access, request.branch, request.head);
    const message = (await runGit(repo.path, ['log', '-1', '--format=%B', request.head])).stdout.trim();
    const [title = `Mender operation ${request.operationId}`, ...rest] = message.split('\n');
    const method = this.options.mergeMethod;
    let mergeCommit: string;
    try {
      const merged = await this.octokit().rest.pulls.merge({
        owner: repository.owner,
        repo: repository.name,
        pull_number: pullRequest.number,
        merge_method: method,
        // GitHub refuses when the pull request's head is not exactly the verified commit.
        sha: request.head,
        ...(method === 'rebase' ? {} : { commit_title: `${title} (#${pullRequest.number})`, commit_message: rest.join('\n').trim() }),
      });
      mergeCommit = merged.data.sha;
    } catch (error) {
      const status = (error as { status?: number }).status;
      const reason = (error as { response?: { data?: { message?: string } } }).response?.data?.message ?? (error as Error).message;
      return { ok: false, reason: `GitHub refused to merge pull request #${pullRequest.number}${status ? ` (HTTP ${status})` : ''}: ${reason}` };
    }
    await this.records.updatePullRequest(request.operationId, { state: 'merged' });
    await this.remote.sync(repo, access);
    return { ok: true, mergeCommit, method };
  }

  async deleteBranch(repo: ForgeRepo, branch: string): Promise<void> {
    await runGit(repo.path, ['branch', '-D', branch], { allowFailure: true });
    const repository = await this.repositoryOf(repo);
    await this.remote.deleteBranch(repo, this.accessFor(repository), branch);
  }

  /** A status comment on the operation's pull request (or the issue it came from when there is none yet). */
  async comment(operationId: string, text: string): Promise<boolean> {
    const target = await this.conversationOf(operationId);
    if (!target) return false;
    await this.postComment(target.repository, target.number, text);
    return true;
  }

  async postComment(repository: Pick<GitHubRepositoryRow, 'owner' | 'name'>, number: number, text: string): Promise<void> {
    const body = fitBody(text, `\n\n${menderMarker}`);
    await this.call('comment', () => this.octokit().rest.issues.createComment({ owner: repository.owner, repo: repository.name, issue_number: number, body }));
  }

  /** Closes the operation's open pull request (rejected, cancelled, failed). */
  async closePullRequest(operationId: string): Promise<void> {
    const pullRequest = await this.records.pullRequestOf(operationId);
    if (!pullRequest || pullRequest.state !== 'open') return;
    const repository = (await this.records.repository(pullRequest.repoId))!;
    await this.call('close the pull request', () =>
      this.octokit().rest.pulls.update({ owner: repository.owner, repo: repository.name, pull_number: pullRequest.number, state: 'closed' }),
    );
    await this.records.updatePullRequest(operationId, { state: 'closed' });
  }

  /** Back to draft while the coder works on requested changes; ready again once verified. */
  async convertToDraft(operationId: string): Promise<void> {
    const pullRequest = await this.records.pullRequestOf(operationId);
    if (!pullRequest || pullRequest.state !== 'open' || pullRequest.draft) return;
    await this.call('convert the pull request to a draft', () => this.octokit().graphql(convertToDraftMutation, { id: pullRequest.nodeId }));
    await this.records.updatePullRequest(operationId, { draft: true });
  }

  async pullRequestOf(operationId: string): Promise<PullRequestRow | undefined> {
    return this.records.pullRequestOf(operationId);
  }

  private async conversationOf(operationId: string): Promise<{ repository: GitHubRepositoryRow; number: number } | undefined> {
    const pullRequest = await this.records.pullRequestOf(operationId);
    if (pullRequest) return { repository: (await this.records.repository(pullRequest.repoId))!, number: pullRequest.number };
    const issue = await this.records.issueOf(operationId);
    const repository = issue ? await this.records.repository(issue.repoId) : undefined;
    return issue && repository ? { repository, number: issue.number } : undefined;
  }

  private async repositoryOf(repo: ForgeRepo): Promise<GitHubRepositoryRow> {
    const repository = await this.records.repository(repo.id);
    if (!repository) throw new GitHubForgeError(`repository ${repo.name} is not registered from GitHub`);
    return repository;
  }

  private octokit(): NonNullable<GitHubClient>['octokit'] {
    if (!this.client)
      throw new GitHubForgeError(
        'GitHub is not configured: set MENDER_GITHUB_TOKEN, or MENDER_GITHUB_APP_ID, MENDER_GITHUB_PRIVATE_KEY and MENDER_GITHUB_INSTALLATION_ID',
      );
    return this.client.octokit;
  }

  /** A GitHub call; a 5xx or a dropped connection is tried again (3 attempts), anything else fails at once. */
  private async call<Result>(what: string, request: () => Promise<Result>): Promise<Result> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await request();
      } catch (error) {
        const status = (error as { status?: number }).status;
        if (attempt < 3 && !(error instanceof GitHubForgeError) && (status === undefined || status >= 500)) {
          await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
          continue;
        }
        throw this.failure(what, error);
      }
    }
  }

  private failure(what: string, error: unknown): GitHubForgeError {
    if (error instanceof GitHubForgeError) return error;
    const status = (error as { status?: number }).status;
    const message = (error as { response?: { data?: { message?: string } } }).response?.data?.message ?? (error as Error).message;
    this.log.warn('github call failed', { what, status, message });
    return new GitHubForgeError(`GitHub refused to ${what}${status ? ` (HTTP ${status})` : ''}: ${message}`);
  }
}
