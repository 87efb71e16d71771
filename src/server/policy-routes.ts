import type { Hono } from 'hono';
import { z } from 'zod';
import type { OperationStore } from '../pipeline/operation-store.ts';
import type { GatePolicy } from '../policy/gate-policy.ts';
import { policyGates } from '../policy/policy-facts.ts';
import type { Database } from '../store/database.ts';
import { findUnstorable } from '../store/storable-text.ts';
import { HttpError } from '../http/http-error.ts';
import type { AppEnvironment } from './authenticate.ts';
import { parseBody } from './parse-request.ts';
import { explainGate } from './policy-explain.ts';
import { PolicyChanges } from './policy-changes.ts';
import { policyView } from './policy-view.ts';
import { requireRole } from './require-role.ts';

const explainBody = z.object({ operationId: z.string().min(1).max(200), gate: z.enum(policyGates).optional() }).strict();

export interface PolicyRouteServices {
  db: Database;
  policy: GatePolicy;
  operations: OperationStore;
  settings: { policyFile?: string };
}

/**
 * `GET /api/policy` and its changes (`PUT` with the YAML text, `POST /api/policy/reload`, admins),
 * and `POST /api/policy/explain`: which rule decided an operation's gate, and what would decide it now.
 */
export function registerPolicyRoutes(app: Hono<AppEnvironment>, services: PolicyRouteServices): void {
  const changes = new PolicyChanges(services);
  const view = () => policyView(services.policy, services.settings.policyFile);

  app.get('/api/policy', requireRole('admin', 'read the policy (as they read the settings)'), (c) => c.json(view()));
  app.put('/api/policy', requireRole('admin', 'change the policy'), async (c) => {
    const text = await c.req.text();
    if (text.trim() === '') throw new HttpError(400, 'missing_body', 'send the policy text (YAML) as the body, e.g. with content-type: application/yaml');
    const unstorable = findUnstorable(text);
    if (unstorable) throw new HttpError(400, 'invalid_request', `the policy was not changed: its text ${unstorable.problem}`);
    const change = await changes.write(text, c.get('actor').name);
    return c.json({ ...change, policy: view() });
  });
  app.post('/api/policy/reload', requireRole('admin', 'reload the policy'), async (c) => {
    const change = await changes.reload(c.get('actor').name);
    return c.json({ ...change, policy: view() });
  });
  app.post('/api/policy/explain', requireRole('team-lead', 'ask why a gate was decided'), async (c) => {
    const body = await parseBody(c, explainBody);
    const operation = await services.operations.get(body.operationId);
    return c.json(explainGate(operation, await services.operations.timeline(operation.id), services.policy, body.gate));
  });
}
