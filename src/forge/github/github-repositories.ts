import path from 'node:path';
import type { RemoteRepositories } from '../forge.ts';
import type { GitHubClient } from './github-client.ts';
import type { GitHubForge } from './github-forge.ts';
import type { GitHubRemote } from './github-remote.ts';
import { parseGitHubRemoteUrl } from './github-remote-url.ts';

/** Registration of GitHub repositories: checked through the API, cloned into `<dataDir>/repos/<name>`. */
export class GitHubRepositories implements RemoteRepositories {
  constructor(
    private readonly repoName: (repoId: string) => Promise<string | undefined>,
    private readonly reposFolder: string,
    private readonly client: GitHubClient | undefined,
    private readonly forge: GitHubForge,
    private readonly remote: GitHubRemote,
  ) {}

  folderFor(name: string): string {
    return path.join(this.reposFolder, name);
  }

  async resolve(remoteUrl: string): Promise<{ suggestedName: string; describe: string }> {
    const parsed = parseGitHubRemoteUrl(remoteUrl);
    const registered = await this.forge.records.repositoryByName(parsed.owner, parsed.name);
    if (registered) {
      const repo = await this.repoName(registered.repoId);
      // One Mender repository per GitHub repository: webhooks must know which one they are for.
      throw Object.assign(new Error(`${registered.owner}/${registered.name} is already registered as "${repo}"`), { conflict: true });
    }
    if (!this.client)
      throw new Error(
        'GitHub is not configured: set MENDER_GITHUB_TOKEN, or MENDER_GITHUB_APP_ID, MENDER_GITHUB_PRIVATE_KEY and MENDER_GITHUB_INSTALLATION_ID, then register the repository again',
      );
    try {
      await this.client.octokit.rest.repos.get({ owner: parsed.owner, repo: parsed.name });
    } catch (error) {
      const status = (error as { status?: number }).status;
      throw new Error(
        `GitHub answered ${status ?? (error as Error).message} for ${parsed.owner}/${parsed.name}: check the name and that the App installation or token can see it`,
      );
    }
    return { suggestedName: parsed.name, describe: `${parsed.owner}/${parsed.name}` };
  }

  async clone(remoteUrl: string, target: string): Promise<void> {
    await this.remote.clone(this.forge.accessFor(parseGitHubRemoteUrl(remoteUrl)), target);
  }

  async remoteOf(repoId: string): Promise<string | undefined> {
    const row = await this.forge.records.repository(repoId);
    return row ? `github:${row.owner}/${row.name}` : undefined;
  }

  async record(repoId: string, remoteUrl: string): Promise<void> {
    const parsed = parseGitHubRemoteUrl(remoteUrl);
    await this.forge.records.saveRepository({ repoId, owner: parsed.owner, name: parsed.name, remoteUrl: parsed.remoteUrl });
  }
}
