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

export interface RepoRouteServices {
  repos: RepoStore;
  /** Repositories registered by remote URL; absent when no forge offers them. */
  remoteRepositories?: RemoteRepositories;
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
    remote: (await services.remoteRepositories?.remoteOf(repo.id)) ?? null,
  });

  app.get('/api/repos', async (c) => c.json({ repos: await Promise.all((await services.repos.list()).map(repoView)) }));
  app.post('/api/repos', requireRole('admin', 'may register repositories'), async (c) => {
    const { remoteUrl, path, name, ...rest } = await parseBody(c, createRepoBody);
    if (remoteUrl && !services.remoteRepositories)
      throw new HttpError(400, 'invalid_request', 'registering repositories by remote URL is not available in this Mender');
    const repo = remoteUrl
      ? await registerRemoteRepo(services.repos, services.remoteRepositories!, { remoteUrl, name, ...rest, source: 'api' })
      : await registerRepo(services.repos, { name: name!, path: path!, ...rest, source: 'api' }, { replace: false, dataDir: services.settings.dataDir });
    return c.json(await repoView(repo), 201);
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
