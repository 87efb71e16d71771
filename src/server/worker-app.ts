import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { Settings } from '../config/settings-schema.ts';
import type { Logger } from '../logging/logger.ts';
import type { Database } from '../store/database.ts';
import type { SessionStore } from '../store/session-store.ts';
import type { UserStore } from '../store/user-store.ts';
import { createAuthenticate, type AppEnvironment } from './authenticate.ts';
import { createErrorHandler } from './handle-error.ts';
import { createHostCheck } from './host-check.ts';
import { readinessRoutes } from './readiness.ts';

export interface WorkerAppServices {
  db: Database;
  users: UserStore;
  sessions: SessionStore;
  settings: Settings;
  registry: Registry;
  isReady: () => boolean;
  isStopping: () => boolean;
  /** Whether the job queue's own server (Redis) answers, when it has one. */
  queuePing?: () => Promise<void>;
  log: Logger;
}

/**
 * The HTTP surface of a `worker` process: probes and its own metrics (`mender_worker_busy` is
 * per process, so it is scraped here), nothing else — the API, webhooks and the dashboard are
 * the `web` processes'.
 */
export function createWorkerApp(services: WorkerAppServices): Hono<AppEnvironment> {
  const app = new Hono<AppEnvironment>();
  app.onError(createErrorHandler(services.log));
  app.notFound((c) =>
    c.json({ error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}: this is a worker process (/health, /ready, /metrics only)` } }, 404),
  );
  app.use('*', createHostCheck(services.settings));
  const probes = readinessRoutes(services);
  app.get('/health', probes.health);
  app.get('/ready', probes.ready);
  app.use('/metrics', createAuthenticate(services.users, services.sessions));
  app.get('/metrics', async (c) => c.text(await services.registry.metrics(), 200, { 'content-type': services.registry.contentType }));
  return app;
}
