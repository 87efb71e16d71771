import crypto from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { OperationStore } from '../pipeline/operation-store.ts';
import type { PipelineMetrics } from '../pipeline/pipeline-metrics.ts';
import type { LocalForge } from '../forge/local-forge.ts';
import type { RepoStore } from '../store/repo-store.ts';
import type { EventHub } from '../store/event-hub.ts';
import { registerRepo } from '../pipeline/register-repo.ts';
import { detectCommands } from '../workspace/detect-commands.ts';
import { createOperationBody, createRepoBody, decisionBody, listOperationsQuery, requestChangesBody } from './api-schemas.ts';
import { HttpError } from './http-error.ts';
import { handleError } from './handle-error.ts';
import { operationView } from './operation-view.ts';
import { eventStream } from './event-stream.ts';
import type { OperationSource } from '../pipeline/operation-types.ts';

export interface AppServices {
  pipeline: Pipeline;
  operations: OperationStore;
  repos: RepoStore;
  forge: LocalForge;
  hub: EventHub;
  metrics: PipelineMetrics;
  adminToken: string;
  isReady: () => boolean;
}

const maxBodyBytes = 1024 * 1024;

/** The HTTP API: /health, /metrics, and /api/* behind the bearer token. */
export function createApp(services: AppServices): Hono {
  const app = new Hono();
  app.onError(handleError);
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` } }, 404));

  app.get('/health', (c) => (services.isReady() ? c.json({ status: 'ok' }) : c.json({ status: 'starting' }, 503)));
  app.get('/metrics', async (c) => c.text(await services.metrics.registry.metrics(), 200, { 'content-type': services.metrics.registry.contentType }));

  app.use('/api/*', async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!token || !sameSecret(token, services.adminToken)) {
      throw new HttpError(401, 'unauthorized', 'missing or wrong bearer token: send Authorization: Bearer <MENDER_ADMIN_TOKEN> (the CLI reads it from <dataDir>/admin-token)');
    }
    await next();
  });
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new HttpError(413, 'payload_too_large', `request body is larger than ${maxBodyBytes} bytes`);
      },
    }),
  );

  app.get('/api/repos', async (c) => c.json({ repos: (await services.repos.list()).map((repo) => ({ ...repo, createdAt: repo.createdAt.toISOString(), detectedCommands: detectCommands(repo.path, repo.commands) })) }));
  app.post('/api/repos', async (c) => {
    const body = await parseBody(c, createRepoBody);
    const repo = await registerRepo(services.repos, { ...body, source: 'api' });
    return c.json({ ...repo, createdAt: repo.createdAt.toISOString(), detectedCommands: detectCommands(repo.path, repo.commands) }, 201);
  });

  app.post('/api/operations', async (c) => {
    const body = await parseBody(c, createOperationBody);
    const source = (c.req.header('x-mender-source') === 'cli' ? 'cli' : 'api') as OperationSource;
    const operation = await services.pipeline.create({ ...body, source, actor: 'admin' });
    return c.json({ id: operation.id, status: operation.status }, 201);
  });
  app.get('/api/operations', async (c) => {
    const query = parseQuery(c, listOperationsQuery);
    const repo = query.repo ? await services.repos.byName(query.repo) : undefined;
    if (query.repo && !repo) throw new HttpError(404, 'not_found', `repository "${query.repo}" is not registered`);
    const rows = await services.operations.list({ status: query.status, type: query.type, repoId: repo?.id, limit: query.limit, offset: query.offset });
    return c.json({ operations: await Promise.all(rows.map((row) => operationView(row, services, false))) });
  });
  app.get('/api/operations/:id', async (c) => c.json(await operationView(await services.operations.get(c.req.param('id')), services, true)));
  app.get('/api/operations/:id/diff', async (c) => {
    const operation = await services.operations.get(c.req.param('id'));
    const changeRequest = await services.forge.changeRequestOf(operation.id);
    if (!changeRequest) throw new HttpError(404, 'not_found', `operation ${operation.id} has no change yet (status ${operation.status})`);
    return c.body(changeRequest.diff, 200, { 'content-type': 'text/x-diff; charset=utf-8' });
  });
  app.get('/api/operations/:id/artifacts/:artifactId', async (c) => c.text(await services.operations.artifact(c.req.param('id'), c.req.param('artifactId'))));

  app.post('/api/operations/:id/approve', async (c) => c.json(await statusOf(services.pipeline.approve(c.req.param('id'), 'admin', (await parseBody(c, decisionBody, true)).comment))));
  app.post('/api/operations/:id/reject', async (c) => c.json(await statusOf(services.pipeline.reject(c.req.param('id'), 'admin', (await parseBody(c, decisionBody, true)).comment))));
  app.post('/api/operations/:id/request-changes', async (c) => c.json(await statusOf(services.pipeline.requestChanges(c.req.param('id'), 'admin', (await parseBody(c, requestChangesBody)).comment))));
  app.post('/api/operations/:id/cancel', async (c) => c.json(await statusOf(services.pipeline.cancel(c.req.param('id'), 'admin', (await parseBody(c, decisionBody, true)).comment))));
  app.post('/api/operations/:id/retry', async (c) => c.json(await statusOf(services.pipeline.retry(c.req.param('id'), 'admin'))));

  app.get('/api/events', (c) => eventStream(c, services));
  return app;
}

async function statusOf(promise: Promise<{ id: string; status: string }>): Promise<{ id: string; status: string }> {
  const row = await promise;
  return { id: row.id, status: row.status };
}

function sameSecret(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/** Parses a JSON body against a schema; an empty body counts as `{}` where `optional`. */
async function parseBody<Schema extends z.ZodType>(c: Context, schema: Schema, optional = false): Promise<z.output<Schema>> {
  const text = await c.req.text();
  let json: unknown = {};
  if (text.trim() !== '') {
    const type = c.req.header('content-type') ?? '';
    if (!type.includes('application/json')) throw new HttpError(415, 'unsupported_media_type', 'send the body as JSON with content-type: application/json');
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new HttpError(400, 'malformed_json', `the body is not valid JSON: ${(error as Error).message}`);
    }
  } else if (!optional) {
    throw new HttpError(400, 'missing_body', 'this route needs a JSON body');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw fieldErrors(parsed.error);
  return parsed.data;
}

function parseQuery<Schema extends z.ZodType>(c: Context, schema: Schema): z.output<Schema> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw fieldErrors(parsed.error);
  return parsed.data;
}

function fieldErrors(error: z.ZodError): HttpError {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '(body)';
    (fields[key] ??= []).push(issue.message);
  }
  const summary = Object.entries(fields).map(([key, messages]) => `${key}: ${messages.join(', ')}`).join('; ');
  return new HttpError(400, 'invalid_request', `the request is invalid: ${summary}`, fields);
}
