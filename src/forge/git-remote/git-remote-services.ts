import path from 'node:path';
import type { Settings } from '../../config/settings-schema.ts';
import type { RepoStore } from '../../store/repo-store.ts';
import type { ChangeRequestRecords } from '../change-request-records.ts';
import { GitHubRemote } from '../github/github-remote.ts';
import { GitRemoteForge } from './git-remote-forge.ts';
import { GitRemoteRepositories } from './git-remote-repositories.ts';

/** The plain git forge: its Forge and its registration by URL, over the `repos.remote_url` column. */
export function createGitRemote(options: { settings: Settings; changeRequests: ChangeRequestRecords; repos: RepoStore }): {
  forge: GitRemoteForge;
  repositories: GitRemoteRepositories;
} {
  const { settings, repos } = options;
  const remote = new GitHubRemote();
  const remoteUrlOf = async (repoId: string) => (await repos.byId(repoId))?.remoteUrl ?? undefined;
  return {
    forge: new GitRemoteForge(remoteUrlOf, options.changeRequests, remote),
    repositories: new GitRemoteRepositories(
      { reposFolder: path.join(settings.dataDir, 'repos'), dataDir: settings.dataDir, allowFile: settings.allowFileRemotes },
      remote,
      async (repoId, remoteUrl) => void (await repos.update(repoId, { remoteUrl })),
      remoteUrlOf,
    ),
  };
}
