import type { Hono } from 'hono';
import { z } from 'zod';
import type { Settings } from '../config/settings-schema.ts';
import type { AgentControl } from '../pipeline/agent-control.ts';
import type { OperationStore } from '../pipeline/operation-store.ts';
import type { AppEnvironment } from './authenticate.ts';
import { parseBody } from './parse-request.ts';
import { requireRole } from './require-role.ts';
import type { Database } from '../store/database.ts';
import { agentSummary } from './agent-summary.ts';

const pauseBody = z.object({ reason: z.string().max(2_000).optional() }).strict();

/**
 * The agent as a whole: status, and the kill switch. Any team lead may pause (stopping must be
 * easy); resuming needs an admin.
 */
export function registerAgentRoutes(
  app: Hono<AppEnvironment>,
  services: { control: AgentControl; operations: OperationStore; settings: Settings; db: Database },
): void {
  app.get('/api/agent', async (c) => {
    const counts = await services.operations.countByStatus();
    // `by`/`at` are the last pause or resume (the CLI prints them); the summary adds health and the last action.
    return c.json({ ...services.control.status(), ...(await agentSummary(services)), operations: counts });
  });
  app.post('/api/agent/pause', async (c) => {
    const body = await parseBody(c, pauseBody, true);
    return c.json(await services.control.pause(c.get('actor').name, body.reason));
  });
  app.post('/api/agent/resume', requireRole('admin', 'may resume the agent'), async (c) => {
    return c.json(await services.control.resume(c.get('actor').name));
  });
}
