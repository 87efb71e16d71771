import type { Hono } from 'hono';
import type { OperationStore } from '../pipeline/operation-store.ts';
import type { AppEnvironment } from './authenticate.ts';
import { decisionBody } from './api-schemas.ts';
import { HttpError } from '../http/http-error.ts';
import { parseBody } from './parse-request.ts';
import { requireRole } from './require-role.ts';
import { ToolCallDecisionError, type ToolCallApprovals, type ToolCallRow } from '../mcp/tool-call-approvals.ts';

/** Listing and deciding external MCP tool calls that wait for approval (under /api, behind its token). */
export function registerToolCallRoutes(
  app: Hono<AppEnvironment>,
  services: { operations: OperationStore; mcp: { toolCallApprovals: ToolCallApprovals } },
): void {
  app.get('/api/operations/:id/tool-calls', async (c) => {
    const operation = await services.operations.get(c.req.param('id'));
    return c.json({ toolCalls: (await services.mcp.toolCallApprovals.list(operation.id)).map(toolCallView) });
  });
  for (const [action, decision] of [
    ['approve', 'approved'],
    ['deny', 'denied'],
  ] as const) {
    app.post(`/api/operations/:id/tool-calls/:callId/${action}`, requireRole('team-lead', 'may decide tool calls'), async (c) => {
      const actor = c.get('actor');
      const operation = await services.operations.get(c.req.param('id'));
      const body = await parseBody(c, decisionBody, true);
      try {
        return c.json(toolCallView(await services.mcp.toolCallApprovals.decide(operation.id, c.req.param('callId'), decision, actor.name, body.comment)));
      } catch (error) {
        if (error instanceof ToolCallDecisionError) throw new HttpError(error.kind === 'not_found' ? 404 : 409, error.kind, error.message);
        throw error;
      }
    });
  }
}

/** An external MCP tool call that needed approval, as `GET /api/operations/:id/tool-calls` lists it. */
export type ToolCallView = ReturnType<typeof toolCallView>;

function toolCallView(row: ToolCallRow) {
  return { ...row, requestedAt: row.requestedAt.toISOString(), decidedAt: row.decidedAt?.toISOString() ?? null };
}
