import type { Hono } from 'hono';
import { z } from 'zod';
import { deliveryStatuses, type WebhookDeliveryRow, type WebhookInbox } from '../integrations/webhook-inbox.ts';
import type { AppEnvironment } from './authenticate.ts';
import { parseQuery } from './parse-request.ts';
import { requireRole } from './require-role.ts';
import { registerSlackRoutes } from './slack-routes.ts';
import { registerJiraRoutes } from './jira-routes.ts';
import { registerSentryRoutes } from './sentry-routes.ts';
import type { Settings } from '../config/settings-schema.ts';
import type { Database } from '../store/database.ts';
import type { UserStore } from '../store/user-store.ts';

const listDeliveriesQuery = z
  .object({
    source: z.string().min(1).max(40).optional(),
    status: z.enum(deliveryStatuses).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

export interface DeliveryView {
  id: string;
  source: string;
  deliveryId: string;
  kind: string;
  status: string;
  attempts: number;
  lastError: string | null;
  outcome: string | null;
  receivedAt: string;
  processedAt: string | null;
}

export function deliveryView(row: WebhookDeliveryRow): DeliveryView {
  return {
    id: row.id,
    source: row.source,
    deliveryId: row.deliveryId,
    kind: row.kind,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    outcome: row.outcome,
    receivedAt: row.receivedAt.toISOString(),
    processedAt: row.processedAt?.toISOString() ?? null,
  };
}

/** The webhook inbox as admins see it: every delivery with its status, attempts and last error. */
export function registerWebhookRoutes(app: Hono<AppEnvironment>, services: { inbox: WebhookInbox; settings: Settings; db: Database; users: UserStore }): void {
  registerSlackRoutes(app, services);
  registerJiraRoutes(app, services);
  registerSentryRoutes(app, services);
  app.get('/api/integrations/deliveries', requireRole('admin', 'may read webhook deliveries'), async (c) => {
    const query = parseQuery(c, listDeliveriesQuery);
    return c.json({ deliveries: (await services.inbox.list(query)).map(deliveryView), counts: await services.inbox.countByStatus(query.source) });
  });
}
