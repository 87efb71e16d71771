import { generateText, hasToolCall, jsonSchema, stepCountIs, tool as defineAiTool, type LanguageModel, type ToolSet } from 'ai';
import type { Tool, ToolContext, ToolResult } from '../tools/tool.ts';
import type { Redactor } from '../safety/redaction.ts';
import { cutToHeadAndTail } from './cut-output.ts';

export interface ToolCallRecord {
  name: string;
  input: unknown;
  ok: boolean;
  errorCode?: string;
  durationMs: number;
  /** What the model was given back: the output (redacted, long output cut) or the error's message. */
  result: string;
}

export interface StepUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ToolLoopOptions {
  model: LanguageModel;
  system: string;
  prompt: string;
  tools: Tool[];
  /** Calling one of these ends the turn (submit_plan, finish, submit_review). */
  stopTools: string[];
  maxSteps: number;
  maxRetries: number;
  context: ToolContext;
  redactor: Redactor;
  outputLimitChars: number;
  onToolCall?: (record: ToolCallRecord) => void | Promise<void>;
  onStep?: (usage: StepUsage) => void | Promise<void>;
}

export interface ToolLoopResult {
  /** The input of the stop tool that ended the turn, when one did. */
  stoppedWith?: { name: string; input: unknown };
  steps: number;
  usage: StepUsage;
  text: string;
}

/** Runs one agent turn: the model calls tools until a stop tool, the step limit, or plain text. */
export async function runToolLoop(options: ToolLoopOptions): Promise<ToolLoopResult> {
  const { redactor, context } = options;
  const tools: ToolSet = {};
  for (const tool of options.tools) {
    tools[tool.name] = defineAiTool({
      description: tool.description,
      // External MCP tools bring a JSON Schema; it goes to the model as it is.
      inputSchema: tool.inputJsonSchema ? jsonSchema(tool.inputJsonSchema) : tool.inputSchema,
      execute: async (input: unknown) => {
        const started = Date.now();
        let result: ToolResult;
        try {
          result = await tool.execute(input, context);
        } catch (error) {
          // A tool that throws is a defect, but the model still gets a result it can read.
          result = { ok: false, error: { code: 'io_error', message: (error as Error).message } };
        }
        const durationMs = Date.now() - started;
        const presented = await presentResult(tool.name, result, options);
        await options.onToolCall?.({
          name: tool.name,
          input,
          ok: result.ok,
          errorCode: result.ok ? undefined : result.error.code,
          durationMs,
          result: result.ok ? String(presented) : options.redactor.redact(result.error.message),
        });
        return presented;
      },
    });
  }
  const result = await generateText({
    model: options.model,
    system: redactor.redact(options.system),
    prompt: redactor.redact(options.prompt),
    tools,
    maxRetries: options.maxRetries,
    abortSignal: context.signal,
    stopWhen: [stepCountIs(options.maxSteps), ...options.stopTools.map((name) => hasToolCall(name))],
    onStepFinish: async (step) => {
      await options.onStep?.({ inputTokens: step.usage.inputTokens ?? 0, outputTokens: step.usage.outputTokens ?? 0 });
    },
  });
  let stoppedWith: ToolLoopResult['stoppedWith'];
  for (const step of result.steps) {
    for (const call of step.toolCalls) {
      if (options.stopTools.includes(call.toolName) && !stoppedWith) {
        const matchingResult = step.toolResults.find((toolResult) => toolResult.toolCallId === call.toolCallId);
        const accepted =
          matchingResult &&
          !(typeof matchingResult.output === 'object' && matchingResult.output !== null && 'ok' in matchingResult.output && matchingResult.output.ok === false);
        if (accepted) stoppedWith = { name: call.toolName, input: call.input };
      }
    }
  }
  return {
    stoppedWith,
    steps: result.steps.length,
    usage: { inputTokens: result.totalUsage.inputTokens ?? 0, outputTokens: result.totalUsage.outputTokens ?? 0 },
    text: result.text,
  };
}

/** What the model sees of a result: redacted, and long output cut with the whole kept aside. */
async function presentResult(name: string, result: ToolResult, options: ToolLoopOptions): Promise<unknown> {
  if (!result.ok) return options.redactor.redactValue({ ok: false, error: result.error });
  const text = result.text ?? (typeof result.data === 'string' ? result.data : JSON.stringify(result.data, null, 1));
  const redacted = options.redactor.redact(text);
  if (redacted.length <= options.outputLimitChars) return redacted;
  const artifact = await options.context.saveArtifact(`${name}-output.txt`, redacted);
  return cutToHeadAndTail(redacted, options.outputLimitChars, `the whole output is kept as artifact ${artifact}`);
}
