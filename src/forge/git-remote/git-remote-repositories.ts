import path from 'node:path';
import type { RemoteRepositories } from '../forge.ts';
import type { GitHubRemote } from '../github/github-remote.ts';
import { GitConfigRefusedError, runGit, type GitResult } from '../../workspace/git.ts';
import { parseGitRemoteUrl } from './git-remote-url.ts';

/**
 * Registration of repositories by a plain git URL (`file:///…/repo.git`, docs/scale-out.md):
 * the remote must be a bare repository, read through Mender's hardened git (its configuration
 * may name no program git would run), and is cloned into `<dataDir>/repos/<name>`.
 */
export class GitRemoteRepositories implements RemoteRepositories {
  constructor(
    private readonly options: { reposFolder: string; dataDir: string; allowFile: boolean },
    private readonly remote: GitHubRemote,
    private readonly saveRemoteUrl: (repoId: string, remoteUrl: string) => Promise<void>,
    private readonly remoteUrlOf: (repoId: string) => Promise<string | undefined>,
  ) {}

  folderFor(name: string): string {
    return path.join(this.options.reposFolder, name);
  }

  async resolve(remoteUrl: string): Promise<{ suggestedName: string; describe: string }> {
    const location = parseGitRemoteUrl(remoteUrl, this.options);
    let bare: GitResult;
    try {
      bare = await runGit(location.folder, ['rev-parse', '--is-bare-repository'], { allowFailure: true });
    } catch (error) {
      // Its configuration names a program git would run: the guard's message says which and how to remove it.
      if (error instanceof GitConfigRefusedError) throw error;
      bare = { exitCode: 1, stdout: '', stderr: (error as Error).message };
    }
    if (bare.exitCode !== 0 || bare.stdout.trim() !== 'true')
      throw new Error(
        `${location.folder} is not a bare git repository: create one with git init --bare (or git clone --bare) and push the default branch to it`,
      );
    return { suggestedName: location.suggestedName, describe: location.url };
  }

  async clone(remoteUrl: string, target: string): Promise<void> {
    await this.remote.clone({ fetchUrl: this.urlOf(remoteUrl), token: async () => undefined }, target);
  }

  async record(repoId: string, remoteUrl: string): Promise<void> {
    await this.saveRemoteUrl(repoId, this.urlOf(remoteUrl));
  }

  async remoteOf(repoId: string): Promise<string | undefined> {
    const url = await this.remoteUrlOf(repoId);
    return url ? `git:${url}` : undefined;
  }

  private urlOf(remoteUrl: string): string {
    return parseGitRemoteUrl(remoteUrl, this.options).url;
  }
}
