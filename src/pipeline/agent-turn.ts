import { APICallError, RetryError } from 'ai';
import { runToolLoop, type ToolLoopResult } from '../agent/tool-loop.ts';
import { cutToHeadAndTail } from '../agent/cut-output.ts';
import type { ModelRole } from '../domain/model-role.ts';
import type { Tool, ToolContext } from '../tools/tool.ts';
import { OperationFailure } from './pipeline-errors.ts';
import type { PipelineContext } from './pipeline-context.ts';

export interface AgentTurnOptions {
  role: ModelRole;
  operationId: string;
  system: string;
  prompt: string;
  tools: Tool[];
  stopTools: string[];
  toolContext: ToolContext;
}

export interface UsageTotals {
  [role: string]: { inputTokens: number; outputTokens: number; calls: number; model: string; cost?: number };
}

/**
 * One model turn for an operation: the role's model, its tools, every tool call and model call
 * on the timeline, tokens added to the operation's usage.
 */
export async function runAgentTurn(context: PipelineContext, options: AgentTurnOptions): Promise<ToolLoopResult> {
  const roleModel = context.modelFor(options.role);
  const modelName = `${roleModel.spec.provider}:${roleModel.spec.model}`;
  const { operations, metrics, settings } = context;
  await operations.event(options.operationId, options.role, { type: 'agent.started', data: { role: options.role, model: modelName } });
  // The budget stops the loop between model calls; the reason says which limit was hit.
  const budget = new AbortController();
  const { source } = await operations.get(options.operationId);
  let overBudget: string | undefined;
  const signal = AbortSignal.any([options.toolContext.signal, budget.signal]);
  try {
    const result = await runToolLoop({
      model: roleModel.model,
      system: options.system,
      prompt: options.prompt,
      tools: options.tools,
      stopTools: options.stopTools,
      maxSteps: settings.maxSteps,
      maxRetries: settings.modelRetries,
      context: { ...options.toolContext, signal },
      redactor: context.redactor,
      outputLimitChars: settings.toolOutputLimitChars,
      onToolCall: (record) =>
        operations.event(options.operationId, options.role, {
          type: 'tool.called',
          data: {
            tool: record.name,
            input: summarizeInput(record.input),
            ok: record.ok,
            errorCode: record.errorCode,
            durationMs: record.durationMs,
            result: cutToHeadAndTail(record.result, timelineResultCharacters, 'the timeline keeps the head and the tail'),
          },
        }),
      onStep: async (usage) => {
        metrics.modelCalls.inc({ role: options.role });
        metrics.modelTokens.inc({ role: options.role, kind: 'input' }, usage.inputTokens);
        metrics.modelTokens.inc({ role: options.role, kind: 'output' }, usage.outputTokens);
        metrics.modelCost.inc({ role: options.role }, callCost(settings, modelName, usage.inputTokens, usage.outputTokens));
        const totals = await addUsage(context, options.operationId, options.role, modelName, usage.inputTokens, usage.outputTokens);
        overBudget = budgetExceeded(totals, settings, source);
        if (overBudget) budget.abort(new OperationFailure(overBudget));
        // Tokens per call on the timeline; per role on the operation's usage.
        await operations.event(options.operationId, options.role, {
          type: 'model.called',
          data: { role: options.role, model: modelName, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens },
        });
      },
    });
    await operations.event(options.operationId, options.role, {
      type: 'agent.finished',
      data: {
        role: options.role,
        steps: result.steps,
        stoppedWith: result.stoppedWith?.name ?? null,
        inputTokens: result.usage.inputTokens,
        outputTokens: result.usage.outputTokens,
      },
    });
    return result;
  } catch (error) {
    if (options.toolContext.signal.aborted) throw error;
    if (overBudget) throw new OperationFailure(overBudget);
    throw new OperationFailure(describeModelError(error, options.role, modelName, settings.modelBaseUrl));
  }
}

/** What one model call cost in US dollars, from the price table (per million tokens); 0 for a model not in it. */
function callCost(settings: Pick<PipelineContext['settings'], 'modelPrices'>, model: string, inputTokens: number, outputTokens: number): number {
  const price = settings.modelPrices?.[model] ?? { input: 0, output: 0 };
  return (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
}

async function addUsage(
  context: PipelineContext,
  operationId: string,
  role: string,
  model: string,
  inputTokens: number,
  outputTokens: number,
): Promise<UsageTotals> {
  const operation = await context.operations.get(operationId);
  const usage = { ...(operation.usage as UsageTotals) };
  const current = usage[role] ?? { inputTokens: 0, outputTokens: 0, calls: 0, model };
  const cost = (current.cost ?? 0) + callCost(context.settings, model, inputTokens, outputTokens);
  usage[role] = { inputTokens: current.inputTokens + inputTokens, outputTokens: current.outputTokens + outputTokens, calls: current.calls + 1, model, cost };
  await context.operations.patch(operationId, { usage });
  return usage;
}

/** The reason the operation is over its token or cost budget, if it is. */
function budgetExceeded(usage: UsageTotals, settings: PipelineContext['settings'], source: string): string | undefined {
  const roles = Object.values(usage);
  const tokens = roles.reduce((sum, role) => sum + role.inputTokens + role.outputTokens, 0);
  const cost = roles.reduce((sum, role) => sum + (role.cost ?? 0), 0);
  if (tokens > settings.maxTokensPerOperation)
    return `budget: the operation used ${tokens} model tokens, over its limit of ${settings.maxTokensPerOperation} (MENDER_MAX_TOKENS_PER_OPERATION)`;
  // Detection's operations (started by events anyone with the public DSN key can send) have their own ceiling.
  if (source === 'detector') {
    if (cost > settings.maxDetectorCostPerOperation)
      return `budget: the detected issue's operation's model cost reached $${cost.toFixed(4)}, over the detector's limit of $${settings.maxDetectorCostPerOperation} (MENDER_MAX_DETECTOR_COST_PER_OPERATION)`;
    return undefined;
  }
  if (cost > settings.maxCostPerOperation)
    return `budget: the operation's model cost reached $${cost.toFixed(4)}, over its limit of $${settings.maxCostPerOperation} (MENDER_MAX_COST_PER_OPERATION)`;
  return undefined;
}

/** Tool inputs on the timeline: file contents are summarised, not copied whole. */
/** How much of a tool's result the timeline keeps, so a person can see what the model saw. */
const timelineResultCharacters = 4_000;

function summarizeInput(input: unknown): unknown {
  if (!input || typeof input !== 'object') return input;
  return Object.fromEntries(
    Object.entries(input).map(([key, value]) => [
      key,
      typeof value === 'string' && value.length > 200 ? `${value.slice(0, 200)}… (${value.length} characters)` : value,
    ]),
  );
}

function describeModelError(error: unknown, role: string, model: string, baseUrl: string | undefined): string {
  const where = `the ${role} model ${model}${baseUrl ? ` at ${baseUrl}` : ''}`;
  if (RetryError.isInstance(error)) {
    const last = error.lastError;
    const detail =
      APICallError.isInstance(last) && last.statusCode ? `HTTP ${last.statusCode}: ${last.message}` : last instanceof Error ? last.message : String(last);
    return `${where} failed after ${error.errors.length} attempts with backoff; last error: ${detail}. Check that the endpoint is up and MENDER_MODEL / MENDER_MODEL_BASE_URL / MENDER_MODEL_API_KEY are right.`;
  }
  if (APICallError.isInstance(error)) {
    return `${where} refused the request (HTTP ${error.statusCode ?? 'no status'}): ${error.message}. Check MENDER_MODEL_API_KEY and the model name.`;
  }
  if (error instanceof OperationFailure) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return `${where} failed: ${message}`;
}
