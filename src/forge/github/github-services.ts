import path from 'node:path';
import type { Settings } from '../../config/settings-schema.ts';
import type { Logger } from '../../logging/logger.ts';
import type { Database } from '../../store/database.ts';
import type { EventHub } from '../../store/event-hub.ts';
import type { RepoStore } from '../../store/repo-store.ts';
import type { ChangeRequestRecords } from '../change-request-records.ts';
import { createGitHubClient, type GitHubClient } from './github-client.ts';
import { GitHubForge } from './github-forge.ts';
import { GitHubRemote } from './github-remote.ts';
import { GitHubRepositories } from './github-repositories.ts';
import { GitHubStatusMirror } from './github-status-mirror.ts';

export interface GitHubServices {
  client: GitHubClient | undefined;
  forge: GitHubForge;
  repositories: GitHubRepositories;
  mirror: GitHubStatusMirror;
}

/** The GitHub side of Mender, built from the settings (inert until a repository is registered from GitHub). */
export function createGitHubServices(options: {
  db: Database;
  settings: Settings;
  changeRequests: ChangeRequestRecords;
  hub: EventHub;
  log: Logger;
  repos: RepoStore;
}): GitHubServices {
  const { settings, log } = options;
  const client = createGitHubClient(settings, log);
  const remote = new GitHubRemote();
  const forge = new GitHubForge(
    options.db,
    options.changeRequests,
    client,
    remote,
    { mergeMethod: settings.githubMergeMethod, remoteMap: settings.githubRemoteMap },
    log,
  );
  return {
    client,
    forge,
    repositories: new GitHubRepositories(
      async (repoId) => (await options.repos.byId(repoId))?.name,
      path.join(settings.dataDir, 'repos'),
      client,
      forge,
      remote,
    ),
    mirror: new GitHubStatusMirror(forge, options.hub, log),
  };
}
