import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { OperationStore } from '../pipeline/operation-store.ts';
import type { PipelineMetrics } from '../pipeline/pipeline-metrics.ts';
import type { Forge } from '../forge/forge.ts';
import type { RepoStore } from '../store/repo-store.ts';
import type { EventHub } from '../store/event-hub.ts';
import { registerRemoteRepo, registerRepo } from '../pipeline/register-repo.ts';
import type { RemoteRepositories } from '../forge/forge.ts';
import { detectCommands } from '../workspace/detect-commands.ts';
import { createOperationBody, createRepoBody, decisionBody, listOperationsQuery, requestChangesBody } from './api-schemas.ts';
import { HttpError } from './http-error.ts';
import { parseBody, parseQuery } from './parse-request.ts';
import { registerUserRoutes } from './user-routes.ts';
import { registerAuditRoutes } from './audit-routes.ts';
import type { Database } from '../store/database.ts';
import { registerAgentRoutes } from './agent-routes.ts';
import type { AgentControl } from '../pipeline/agent-control.ts';
import type { Settings } from '../config/settings-schema.ts';
import { createErrorHandler } from './handle-error.ts';
import type { Logger } from '../logging/logger.ts';
import { createAuthenticate, type AppEnvironment } from './authenticate.ts';
import { operationView } from './operation-view.ts';
import { eventStream } from './event-stream.ts';
import type { OperationSource } from '../domain/operation-vocabulary.ts';
import type { UserStore } from '../store/user-store.ts';
import { registerSessionRoutes } from './session-routes.ts';
import type { SessionStore } from '../store/session-store.ts';
import type { SetupTokenStore } from '../store/setup-token-store.ts';
import type { SignInThrottle } from './session-throttle.ts';
import { registerSettingsRoutes } from './settings-routes.ts';
import type { RuntimeSettings } from './runtime-settings.ts';
import { registerDashboardRoutes } from './dashboard-routes.ts';
import { registerDashboardAssets } from './dashboard-assets.ts';
import { registerMcpRoutes, type McpServices } from './mcp-routes.ts';
import type { WebhookInbox } from '../integrations/webhook-inbox.ts';
import { registerWebhookRoutes } from './webhook-routes.ts';
import type { ForgeProvider } from '../integrations/forge-provider.ts';
import type { DetectionService } from '../detect/detection-service.ts';
import { registerIngestRoutes } from './ingest-routes.ts';
import { registerIssueRoutes } from './issue-routes.ts';
import { registerQuarantineRoutes } from './quarantine-routes.ts';
import { createHostCheck } from './host-check.ts';
import { requireRole } from './require-role.ts';

export interface AppServices {
  pipeline: Pipeline;
  users: UserStore;
  db: Database;
  control: AgentControl;
  settings: Settings;
  operations: OperationStore;
  repos: RepoStore;
  forge: Forge;
  /** Repositories registered by remote URL (GitHub); absent when not wired. */
  remoteRepositories?: RemoteRepositories;
  /** Remote forges (src/integrations/forge-providers.ts): each registers its webhook route. */
  forgeProviders: readonly ForgeProvider[];
  hub: EventHub;
  metrics: PipelineMetrics;
  isReady: () => boolean;
  sessions: SessionStore;
  setupTokens: SetupTokenStore;
  signInThrottle: SignInThrottle;
  runtimeSettings: RuntimeSettings;
  /** The built dashboard (default web/dist). */
  dashboardDirectory?: string;
  mcp: McpServices;
  inbox: WebhookInbox;
  detection: DetectionService;
  /** Where errors nobody expected are logged (JSON lines, redacted). */
  log: Logger;
}

const maxBodyBytes = 1024 * 1024;

/** The HTTP API: /health, /metrics, and /api/* behind the bearer token. */
export function createApp(services: AppServices): Hono<AppEnvironment> {
  const app = new Hono<AppEnvironment>();
  app.onError(createErrorHandler(services.log));
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` } }, 404));
  // First: a request naming a host Mender does not answer to (DNS rebinding) reaches no route.
  app.use('*', createHostCheck(services.settings));
  app.use('*', async (c, next) => {
    if (services.settings.publicUrl) c.set('publicUrl', services.settings.publicUrl);
    await next();
  });

  app.get('/health', (c) => (services.isReady() ? c.json({ status: 'ok' }) : c.json({ status: 'starting' }, 503)));

  // Everything but /health needs a token: the API, and the metrics too (they name repositories' activity).
  registerSessionRoutes(app, services);
  // Sentry SDKs authenticate with the project's DSN key, not a bearer token, and the ingest routes
  // apply their own size limits (gzip, per item, per envelope): registered before the /api/*
  // middleware, their handlers answer and end the chain, so authenticate and bodyLimit never run.
  registerIngestRoutes(app, services.detection);
  const authenticate = createAuthenticate(services.users, services.sessions);
  app.use('/api/*', authenticate);
  app.use('/metrics', authenticate);
  app.get('/metrics', async (c) => c.text(await services.metrics.registry.metrics(), 200, { 'content-type': services.metrics.registry.contentType }));
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new HttpError(413, 'payload_too_large', `request body is larger than ${maxBodyBytes} bytes`);
      },
    }),
  );

  app.get('/api/repos', async (c) =>
    c.json({
      repos: await Promise.all(
        (await services.repos.list()).map(async (repo) => ({
          ...repo,
          createdAt: repo.createdAt.toISOString(),
          detectedCommands: detectCommands(repo.path, repo.commands),
          remote: (await services.remoteRepositories?.remoteOf(repo.id)) ?? null,
        })),
      ),
    }),
  );
  app.post('/api/repos', requireRole('admin', 'may register repositories'), async (c) => {
    const { remoteUrl, path, name, ...rest } = await parseBody(c, createRepoBody);
    if (remoteUrl && !services.remoteRepositories)
      throw new HttpError(400, 'invalid_request', 'registering repositories by remote URL is not available in this Mender');
    const repo = remoteUrl
      ? await registerRemoteRepo(services.repos, services.remoteRepositories!, { remoteUrl, name, ...rest, source: 'api' })
      : await registerRepo(services.repos, { name: name!, path: path!, ...rest, source: 'api' }, { replace: false, dataDir: services.settings.dataDir });
    return c.json(
      {
        ...repo,
        createdAt: repo.createdAt.toISOString(),
        detectedCommands: detectCommands(repo.path, repo.commands),
        remote: (await services.remoteRepositories?.remoteOf(repo.id)) ?? null,
      },
      201,
    );
  });

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
    const filter = { status: query.status, type: query.type, source: query.source, repoId: repo?.id };
    const [rows, total] = await Promise.all([
      services.operations.list({ ...filter, limit: query.limit, offset: query.offset }),
      services.operations.count(filter),
    ]);
    return c.json({ operations: await Promise.all(rows.map((row) => operationView(row, services, false))), total });
  });
  app.get('/api/operations/:id', async (c) => c.json(await operationView(await services.operations.get(c.req.param('id')), services, true)));
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
  app.post('/api/operations/:id/retry', async (c) => c.json(await statusOf(services.pipeline.retry(c.req.param('id'), c.get('actor')))));

  app.get('/api/events', (c) => eventStream(c, services));
  registerUserRoutes(app, services.users);
  registerAuditRoutes(app, { db: services.db });
  registerAgentRoutes(app, services);
  registerSettingsRoutes(app, services);
  registerDashboardRoutes(app, services);
  registerIssueRoutes(app, services);
  registerQuarantineRoutes(app, services.db);
  registerMcpRoutes(app, services);
  registerWebhookRoutes(app, services);
  for (const provider of services.forgeProviders) provider.registerWebhookRoutes(app, services);
  // Last: the dashboard answers every page path the routes above did not.
  registerDashboardAssets(app, { directory: services.dashboardDirectory });
  return app;
}

async function statusOf(promise: Promise<{ id: string; status: string }>): Promise<{ id: string; status: string }> {
  const row = await promise;
  return { id: row.id, status: row.status };
}
