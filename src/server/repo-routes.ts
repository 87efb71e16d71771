import type { Hono } from 'hono';
import type { Settings } from '../config/settings-schema.ts';
import type { RemoteRepositories } from '../forge/forge.ts';
import { registerRemoteRepo, registerRepo } from '../pipeline/register-repo.ts';
import type { RepoRow, RepoStore } from '../store/repo-store.ts';
import { detectCommands } from '../workspace/detect-commands.ts';
import { createRepoBody } from './api-schemas.ts';
import { updateRepoBody } from './deployment-schemas.ts';
import { checkedDeploySettings } from './deploy-settings-body.ts';
import type { AppEnvironment } from './authenticate.ts';
import { HttpError } from '../http/http-error.ts';
import { parseBody } from './parse-request.ts';
import { requireRole } from './require-role.ts';
import { isGitRemoteUrl } from '../forge/git-remote/git-remote-url.ts';
import type { ProcessRow } from '../store/process-presence.ts';

/** What this process knows of where the others run: its data folder id and the live workers on other ones. */
export interface RepoPlacement {
  dataFolderId: string;
  liveWorkersElsewhere(): Promise<ProcessRow[]>;
}

export interface RepoRouteServices {
  repos: RepoStore;
  /** Repositories registered by remote URL; absent when no forge offers them. */
  remoteRepositories?: RemoteRepositories;
  /** Repositories registered by a plain git URL (`file://` where the settings allow it). */
  gitRemoteRepositories?: RemoteRepositories;
  /** Absent: every process is taken to share this one's disk (no warning). */
  repoPlacement?: RepoPlacement;
  settings: Settings;
}

/**
 * `GET /api/repos` lists the registered repositories; `POST /api/repos` (admins) registers one by
 * path or remote URL; `PATCH /api/repos/:name` (admins) sets or removes its deploy settings.
 */
export function registerRepoRoutes(app: Hono<AppEnvironment>, services: RepoRouteServices): void {
  const repoView = async (repo: RepoRow) => ({
    ...repo,
    createdAt: repo.createdAt.toISOString(),
    detectedCommands: detectCommands(repo.path, repo.commands),
    remote: (await services.remoteRepositories?.remoteOf(repo.id)) ?? (await services.gitRemoteRepositories?.remoteOf(repo.id)) ?? null,
  });

  /** A local checkout is read by whichever worker takes its jobs: one on another disk cannot see it. */
  const sharedVolumeWarnings = async (): Promise<string[]> => {
    const elsewhere = (await services.repoPlacement?.liveWorkersElsewhere()) ?? [];
    if (elsewhere.length === 0) return [];
    const folders = new Set(elsewhere.map((process) => process.dataFolderId)).size;
    return [
      `${elsewhere.length} live worker(s) (${elsewhere.map((process) => process.processId).join(', ')}) run on ${folders} other data folder(s) than this process: ` +
        'a repository registered by local path needs a shared volume (the same MENDER_DATA_DIR and the repository at the same path in every process), ' +
        'or those workers fail its jobs; register it by its remote instead (mender repo add --remote <git URL>) to let each worker clone it',
    ];
  };

  app.get('/api/repos', async (c) => c.json({ repos: await Promise.all((await services.repos.list()).map(repoView)) }));
  app.post('/api/repos', requireRole('admin', 'may register repositories'), async (c) => {
    const { remoteUrl, path, name, ...rest } = await parseBody(c, createRepoBody);
    const remotes = remoteUrl && isGitRemoteUrl(remoteUrl) ? services.gitRemoteRepositories : services.remoteRepositories;
    if (remoteUrl && !remotes) throw new HttpError(400, 'invalid_request', 'registering repositories by remote URL is not available in this Mender');
    const dataFolderId = services.repoPlacement?.dataFolderId;
    const repo = remoteUrl
      ? await registerRemoteRepo(services.repos, remotes!, { remoteUrl, name, ...rest, source: 'api', dataFolderId })
      : await registerRepo(
          services.repos,
          { name: name!, path: path!, ...rest, source: 'api', dataFolderId },
          { replace: false, dataDir: services.settings.dataDir },
        );
    const warnings = remoteUrl ? [] : await sharedVolumeWarnings();
    return c.json({ ...(await repoView(repo)), warnings }, 201);
  });
  app.patch('/api/repos/:name', requireRole('admin', 'may change repositories'), async (c) => {
    const name = c.req.param('name');
    const repo = await services.repos.byName(name);
    if (!repo) throw new HttpError(404, 'not_found', `repository "${name}" is not registered: list them with \`mender repo list\``);
    const { deploy } = await parseBody(c, updateRepoBody);
    const updated = await services.repos.update(repo.id, { deploy: deploy === null ? null : checkedDeploySettings(deploy) });
    return c.json(await repoView(updated));
  });
}
