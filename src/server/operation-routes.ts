import type { Hono } from 'hono';
import type { Forge } from '../forge/forge.ts';
import type { OperationStore } from '../pipeline/operation-store.ts';
import type { OperationSource } from '../domain/operation-vocabulary.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { RepoStore } from '../store/repo-store.ts';
import { createOperationBody, decisionBody, listOperationsQuery, requestChangesBody, retryBody } from './api-schemas.ts';
import type { AppEnvironment } from './authenticate.ts';
import { HttpError } from '../http/http-error.ts';
import { operationView } from './operation-view.ts';
import { parseBody, parseQuery } from './parse-request.ts';

export interface OperationRouteServices {
  pipeline: Pipeline;
  operations: OperationStore;
  repos: RepoStore;
  forge: Forge;
}

/**
 * Operations: create and list them, read one with its diff and artifacts, and decide on it
 * (approve, reject, request changes, cancel, roll back, retry); the pipeline checks who may.
 */
export function registerOperationRoutes(app: Hono<AppEnvironment>, services: OperationRouteServices): void {
  app.post('/api/operations', async (c) => {
    const body = await parseBody(c, createOperationBody);
    const source: OperationSource = c.get('session') ? 'dashboard' : c.req.header('x-mender-source') === 'cli' ? 'cli' : 'api';
    const operation = await services.pipeline.create({ ...body, source, actor: c.get('actor') });
    return c.json({ id: operation.id, status: operation.status }, 201);
  });
  app.get('/api/operations', async (c) => {
    const query = parseQuery(c, listOperationsQuery);
    const repo = query.repo ? await services.repos.byName(query.repo) : undefined;
    if (query.repo && !repo) throw new HttpError(404, 'not_found', `repository "${query.repo}" is not registered`);
    const filter = { status: query.status, type: query.type, source: query.source, repoId: repo?.id, search: query.q };
    const sort = query.sort ?? 'age';
    const [rows, total] = await Promise.all([
      services.operations.list({ ...filter, sort, order: query.order ?? defaultOrder[sort], limit: query.limit, offset: query.offset }),
      services.operations.count(filter),
    ]);
    return c.json({ operations: await Promise.all(rows.map((row) => operationView(row, services, false))), total });
  });
  app.get('/api/operations/:id', async (c) => {
    const row = await services.operations.get(c.req.param('id'));
    return c.json(await operationView(row, services, true, await services.pipeline.approvalFor(row, c.get('actor'))));
  });
  app.get('/api/operations/:id/diff', async (c) => {
    const operation = await services.operations.get(c.req.param('id'));
    const changeRequest = await services.forge.changeRequestOf(operation.id);
    if (!changeRequest) throw new HttpError(404, 'not_found', `operation ${operation.id} has no change yet (status ${operation.status})`);
    return c.body(changeRequest.diff, 200, { 'content-type': 'text/x-diff; charset=utf-8' });
  });
  app.get('/api/operations/:id/artifacts/:artifactId', async (c) => c.text(await services.operations.artifact(c.req.param('id'), c.req.param('artifactId'))));

  app.post('/api/operations/:id/approve', async (c) =>
    c.json(await statusOf(services.pipeline.approve(c.req.param('id'), c.get('actor'), (await parseBody(c, decisionBody, true)).comment))),
  );
  app.post('/api/operations/:id/reject', async (c) =>
    c.json(await statusOf(services.pipeline.reject(c.req.param('id'), c.get('actor'), (await parseBody(c, decisionBody, true)).comment))),
  );
  app.post('/api/operations/:id/request-changes', async (c) =>
    c.json(await statusOf(services.pipeline.requestChanges(c.req.param('id'), c.get('actor'), (await parseBody(c, requestChangesBody)).comment))),
  );
  app.post('/api/operations/:id/cancel', async (c) =>
    c.json(await statusOf(services.pipeline.cancel(c.req.param('id'), c.get('actor'), (await parseBody(c, decisionBody, true)).comment))),
  );
  app.post('/api/operations/:id/rollback', async (c) => {
    const created = await services.pipeline.rollback(c.req.param('id'), c.get('actor'), (await parseBody(c, decisionBody, true)).comment);
    return c.json({ id: created.id, status: created.status, rollbackOf: created.rollbackOf }, 201);
  });
  app.post('/api/operations/:id/retry', async (c) =>
    c.json(await statusOf(services.pipeline.retry(c.req.param('id'), c.get('actor'), (await parseBody(c, retryBody, true)).feedback || undefined))),
  );
}

/** Each sort's natural first direction: newest, longest, riskiest, and what waits for a person first. */
const defaultOrder = { age: 'asc', duration: 'desc', risk: 'desc', status: 'asc' } as const;

/** A decision answers only the operation's id and new status. */
async function statusOf(promise: Promise<{ id: string; status: string }>): Promise<{ id: string; status: string }> {
  const row = await promise;
  return { id: row.id, status: row.status };
}
