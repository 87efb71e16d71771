import { z } from 'zod';
import { roleAtLeast, type Actor } from '../domain/roles.ts';
import { BudgetExceededError, ForbiddenError, InvalidTransitionError, NotFoundError } from '../pipeline/pipeline-errors.ts';
import type { OperationRow } from '../pipeline/operation-store.ts';
import type { CreateOperationInput } from '../pipeline/pipeline.ts';
import { selfRepo } from '../pipeline/self-repo.ts';
import { describeSelf } from '../pipeline/self-summary.ts';
import type { SupervisorPort } from '../pipeline/supervisor-port.ts';
import type { RepoStore } from '../store/repo-store.ts';
import { toolError, type Tool, type ToolResult } from '../tools/tool.ts';

/** What the tool asks of Mender: the pipeline's own entry points, so its policy and gates apply. */
export interface SelfImproveServices {
  pipeline: {
    create(input: CreateOperationInput): Promise<OperationRow>;
    approve(id: string, actor: Actor, comment?: string): Promise<OperationRow>;
    cancel(id: string, actor: Actor, comment?: string): Promise<OperationRow>;
  };
  operations: { get(id: string): Promise<OperationRow> };
  repos: RepoStore;
  supervisor: SupervisorPort;
}

const selfImproveKinds = ['implement', 'fix'] as const;

const inputSchema = z.object({
  action: z.enum(['plan', 'execute', 'status', 'cancel']).describe('plan: ask for a change; execute: approve its plan; status; cancel'),
  description: z.string().trim().min(1).max(20_000).optional().describe('plan: what Mender should change in itself'),
  kind: z.enum(selfImproveKinds).optional().describe('plan: implement (default) or fix'),
  operationId: z.string().min(1).max(64).optional().describe('execute, cancel: the operation; status: optional'),
  comment: z.string().max(2_000).optional().describe('execute, cancel: a comment for the record'),
});
export type SelfImproveInput = z.infer<typeof inputSchema>;

export const selfImproveToolName = 'self_improve';

/**
 * `self_improve`: an MCP client asks Mender to change Mender (issue 17). A plan is an ordinary
 * operation on the self repository, created as the caller with source `mcp`, so the budget, the
 * plan and change gates, review and approvals apply as to any other; `execute` is the caller's
 * approval of the plan through the same path as the dashboard's (it counts only where their role
 * may approve), and the merge becomes a self-update through the supervisor. Viewers only read.
 */
export function createSelfImproveTool(services: SelfImproveServices, actor: Actor): Tool<SelfImproveInput> {
  return {
    name: selfImproveToolName,
    description:
      "Ask Mender to change its own code, under the same policy and approvals as any change: action plan (description, kind implement|fix) creates an operation on Mender's own repository and returns its id; execute (operationId) approves the plan waiting for approval; status (operationId optional) answers the operation's status and which version of Mender runs; cancel (operationId) stops it.",
    inputSchema,
    kind: 'plan',
    async execute(input) {
      const parsed = inputSchema.safeParse(input);
      if (!parsed.success) return toolError('invalid_arguments', parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
      try {
        return await run(services, actor, parsed.data);
      } catch (error) {
        return refusal(error);
      }
    },
  };
}

async function run(services: SelfImproveServices, actor: Actor, input: SelfImproveInput): Promise<ToolResult> {
  const repo = await selfRepo(services.repos);
  if (input.action !== 'status' && !roleAtLeast(actor.role, 'team-lead'))
    return toolError('tool_denied', `${actor.name} is a viewer and may only read: self_improve answers status; ask a team lead to ${input.action}`);
  if (!repo && input.action !== 'status')
    return toolError(
      'not_configured',
      "Mender's own repository is not registered, so it cannot change itself: an admin runs `mender self enable` (or POST /api/self/enable) under the supervisor first",
    );
  if (input.action === 'plan') {
    if (!input.description) return toolError('invalid_arguments', 'description: say what Mender should change in itself');
    const created = await services.pipeline.create({
      type: input.kind ?? 'implement',
      description: input.description,
      repo: repo!.name,
      source: 'mcp',
      actor,
    });
    return answer(
      { operation: operationSummary(created, repo!.name) },
      `operation ${created.id} (${created.type} on ${repo!.name}) is ${created.status}: Mender plans it now; when its plan waits for approval, call self_improve execute with operationId ${created.id}`,
    );
  }
  const selfState = { supervised: services.supervisor.supervised, summary: describeSelf(services.supervisor, services.supervisor.state(), repo?.name ?? null) };
  if (!input.operationId) {
    if (input.action === 'status') return answer({ self: selfState }, selfState.summary);
    return toolError('invalid_arguments', `operationId: name the operation to ${input.action}`);
  }
  const operation = await services.operations.get(input.operationId);
  // Only Mender's own operations: this tool is not a way around the other repositories' surfaces.
  if (!repo || operation.repoId !== repo.id)
    return toolError('not_found', `operation ${operation.id} is not an operation on Mender's own repository; self_improve only answers for those`);
  let row = operation;
  if (input.action === 'execute') {
    if (operation.status !== 'awaiting_plan_approval')
      return toolError(
        'invalid_arguments',
        `operation ${operation.id} is ${operation.status}: execute approves a plan waiting for approval (awaiting_plan_approval)${operation.status === 'awaiting_approval' ? '; the change itself is approved on the dashboard or with `mender approve`' : ''}`,
      );
    row = await services.pipeline.approve(operation.id, actor, input.comment);
  } else if (input.action === 'cancel') {
    row = await services.pipeline.cancel(operation.id, actor, input.comment);
  }
  const summary = operationSummary(row, repo.name);
  const verb = input.action === 'execute' ? 'plan approved; now ' : '';
  return answer(
    { operation: summary, self: selfState },
    `operation ${row.id} (${row.type} on ${repo.name}): ${verb}${row.status}${row.failureReason ? ` — ${row.failureReason}` : ''}\n${selfState.summary}`,
  );
}

function operationSummary(row: OperationRow, repo: string) {
  return {
    id: row.id,
    repo,
    type: row.type,
    status: row.status,
    description: row.description,
    failureReason: row.failureReason,
    mergeCommit: row.mergeCommit,
  };
}

function answer(data: unknown, text: string): ToolResult {
  return { ok: true, data, text };
}

/** The pipeline's refusals as tool errors the client can act on; anything else is not ours to explain. */
function refusal(error: unknown): ToolResult {
  if (error instanceof NotFoundError) return toolError('not_found', error.message);
  if (error instanceof ForbiddenError) return toolError('tool_denied', error.message);
  if (error instanceof InvalidTransitionError) return toolError('invalid_arguments', error.message);
  if (error instanceof BudgetExceededError) return toolError('rate_limited', error.message);
  throw error;
}
