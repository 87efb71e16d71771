import type { Hono } from 'hono';
import type { DeploymentAction } from '../domain/deployment-vocabulary.ts';
import { HttpError } from '../http/http-error.ts';
import type { DeployRunner } from '../pipeline/ship/deploy-runner.ts';
import type { DeploymentRow, DeploymentStore } from '../pipeline/ship/deployment-store.ts';
import type { RepoStore } from '../store/repo-store.ts';
import type { AppEnvironment } from './authenticate.ts';
import { createDeploymentBody, deploymentDecisionBody, listDeploymentsQuery } from './deployment-schemas.ts';
import { deploymentDetailView, deploymentSummaryView } from './deployment-view.ts';
import { parseBody, parseQuery } from './parse-request.ts';
import { requireRole } from './require-role.ts';

export interface DeploymentRouteServices {
  repos: RepoStore;
  deployments: { runner: DeployRunner; store: DeploymentStore };
}

const decisions: readonly DeploymentAction[] = ['approve', 'promote', 'rollback', 'pause', 'resume', 'cancel'];

/**
 * Ship and watch over HTTP: list deployments and read one with its judged intervals and timeline,
 * ask for one (team leads and admins; the deploy gate then decides who must approve), and a person's
 * decisions on one (team leads and admins; the runner checks the status, 409 otherwise).
 */
export function registerDeploymentRoutes(app: Hono<AppEnvironment>, services: DeploymentRouteServices): void {
  const { runner, store } = services.deployments;
  const repoNameOf = async (row: DeploymentRow) => (await services.repos.byId(row.repoId))?.name ?? row.repoId;

  app.get('/api/deployments', async (c) => {
    const query = parseQuery(c, listDeploymentsQuery);
    const repo = query.repo ? await services.repos.byName(query.repo) : undefined;
    if (query.repo && !repo) throw new HttpError(404, 'not_found', `repository "${query.repo}" is not registered: list them with \`mender repo list\``);
    const rows = await store.list({ repoId: repo?.id, environment: query.environment, status: query.status, operationId: query.operation }, query.limit);
    const names = new Map((await services.repos.list()).map((candidate) => [candidate.id, candidate.name]));
    return c.json({ deployments: rows.map((row) => deploymentSummaryView(row, names.get(row.repoId) ?? row.repoId)) });
  });

  app.get('/api/deployments/:id', async (c) => {
    const row = await store.get(c.req.param('id'));
    const [intervals, timeline] = await Promise.all([store.intervals(row.id), store.timeline(row.id)]);
    return c.json(deploymentDetailView(row, await repoNameOf(row), intervals, timeline, c.get('actor').role));
  });

  app.post('/api/deployments', requireRole('team-lead', 'may ask for deployments'), async (c) => {
    const body = await parseBody(c, createDeploymentBody);
    const row = await runner.request({
      repo: body.repo,
      environment: body.environment,
      ...(body.commit ? { commit: body.commit } : {}),
      actor: c.get('actor').name,
    });
    return c.json(deploymentSummaryView(row, body.repo), 201);
  });

  for (const action of decisions) {
    app.post(`/api/deployments/:id/${action}`, requireRole('team-lead', `may ${action === 'rollback' ? 'roll back' : action} deployments`), async (c) => {
      const { comment } = await parseBody(c, deploymentDecisionBody, true);
      const id = c.req.param('id');
      const actor = c.get('actor');
      const row =
        action === 'pause' ? await runner.pause(id, actor) : action === 'resume' ? await runner.resume(id, actor) : await runner[action](id, actor, comment);
      return c.json(deploymentSummaryView(row, await repoNameOf(row)));
    });
  }
}
