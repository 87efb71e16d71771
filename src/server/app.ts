import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { OperationStore } from '../pipeline/operation-store.ts';
import type { PipelineMetrics } from '../pipeline/pipeline-metrics.ts';
import type { Forge } from '../forge/forge.ts';
import type { RepoStore } from '../store/repo-store.ts';
import type { EventHub } from '../store/event-hub.ts';
import type { RemoteRepositories } from '../forge/forge.ts';
import { HttpError } from '../http/http-error.ts';
import { registerUserRoutes } from './user-routes.ts';
import { registerAuditRoutes } from './audit-routes.ts';
import type { Database } from '../store/database.ts';
import { registerAgentRoutes } from './agent-routes.ts';
import type { AgentControl } from '../pipeline/agent-control.ts';
import type { Settings } from '../config/settings-schema.ts';
import { createErrorHandler } from './handle-error.ts';
import type { Logger } from '../logging/logger.ts';
import { createAuthenticate, type AppEnvironment } from './authenticate.ts';
import { eventStream } from './event-stream.ts';
import type { UserStore } from '../store/user-store.ts';
import { registerSessionRoutes } from './session-routes.ts';
import type { SessionStore } from '../store/session-store.ts';
import type { SetupTokenStore } from '../store/setup-token-store.ts';
import type { SignInThrottle } from './session-throttle.ts';
import { registerSettingsRoutes } from './settings-routes.ts';
import { registerAutonomyRoutes } from './autonomy-routes.ts';
import type { AutonomyGate } from './autonomy-gate.ts';
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
import { readinessRoutes } from './readiness.ts';
import { registerRepoRoutes, type RepoPlacement } from './repo-routes.ts';
import { registerOperationRoutes } from './operation-routes.ts';
import { registerPolicyRoutes } from './policy-routes.ts';
import { registerDeploymentRoutes } from './deployment-routes.ts';
import type { DeployRunner } from '../pipeline/ship/deploy-runner.ts';
import type { DeploymentStore } from '../pipeline/ship/deployment-store.ts';
import type { GatePolicy } from '../policy/gate-policy.ts';
import type { SupervisorPort } from '../pipeline/supervisor-port.ts';
import { registerSelfRoutes } from './self-routes.ts';
import { registerQueueRoutes } from './queue-routes.ts';
import type { QueueName } from '../domain/process-roles.ts';
import type { JobCounts } from '../queue/job-queue.ts';

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
  /** Repositories registered by a plain git URL (`forge/git-remote/`). */
  gitRemoteRepositories?: RemoteRepositories;
  /** This process's data folder id and the live workers on other ones: `repo add` warns by path (docs/scale-out.md). */
  repoPlacement?: RepoPlacement;
  /** Remote forges (src/integrations/forge-providers.ts): each registers its webhook route. */
  forgeProviders: readonly ForgeProvider[];
  hub: EventHub;
  metrics: PipelineMetrics;
  isReady: () => boolean;
  /** True once the process is shutting down: /ready answers 503, /health still 200. */
  isStopping?: () => boolean;
  /** Whether the job queue's own server (Redis) answers, when it has one: /ready says 503 otherwise. */
  queuePing?: () => Promise<void>;
  /** The jobs of a queue by state, from whichever backend holds them (GET /api/queue/depth). */
  queueCounts: (queue: QueueName) => Promise<JobCounts>;
  sessions: SessionStore;
  setupTokens: SetupTokenStore;
  signInThrottle: SignInThrottle;
  runtimeSettings: RuntimeSettings;
  /** Decides autonomy level changes and keeps their periods. */
  autonomyGate: AutonomyGate;
  /** The policy in force, shared with the pipeline: the policy routes show, explain and replace it. */
  policy: GatePolicy;
  /** The built dashboard (default web/dist). */
  dashboardDirectory?: string;
  mcp: McpServices;
  inbox: WebhookInbox;
  detection: DetectionService;
  /** Ship and watch: the deploy runner (requests, people's decisions) and the deployments' rows. */
  deployments: { runner: DeployRunner; store: DeploymentStore };
  /** The line to the supervisor running this process (`unsupervised` when nothing does). */
  supervisor: SupervisorPort;
  /** Where errors nobody expected are logged (JSON lines, redacted). */
  log: Logger;
}

const maxBodyBytes = 1024 * 1024;

/** The HTTP API: /health, /ready, /metrics, and /api/* behind the bearer token. */
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

  const probes = readinessRoutes(services);
  app.get('/health', probes.health);
  app.get('/ready', probes.ready);

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

  registerRepoRoutes(app, services);
  registerOperationRoutes(app, services);
  registerDeploymentRoutes(app, services);
  registerSelfRoutes(app, services);
  app.get('/api/events', (c) => eventStream(c, services));
  registerUserRoutes(app, services.users, services.db);
  registerAuditRoutes(app, { db: services.db });
  registerAgentRoutes(app, services);
  registerSettingsRoutes(app, services);
  registerAutonomyRoutes(app, services);
  registerPolicyRoutes(app, services);
  registerDashboardRoutes(app, services);
  registerIssueRoutes(app, services);
  registerQuarantineRoutes(app, services.db);
  registerQueueRoutes(app, services);
  registerMcpRoutes(app, services);
  registerWebhookRoutes(app, services);
  for (const provider of services.forgeProviders) provider.registerWebhookRoutes(app, services);
  // Last: the dashboard answers every page path the routes above did not.
  registerDashboardAssets(app, { directory: services.dashboardDirectory });
  return app;
}
