/**
 * An in-process model that answers from a script and records every request, for step tests:
 * the agent turn runs its real tool loop (tools execute, stop tools end it) without a server.
 */
import { MockLanguageModelV3 } from 'ai/test';

type CallOptions = Parameters<MockLanguageModelV3['doGenerate']>[0];
type GenerateResult = Awaited<ReturnType<MockLanguageModelV3['doGenerate']>>;

/** One model reply: tool calls to make (executed by the loop), or plain text that ends the turn. */
export interface ScriptedReply {
  toolCalls?: { name: string; input: unknown }[];
  text?: string;
  /** Tokens the reply reports using (for budgets); 10 in and 10 out unless set. */
  inputTokens?: number;
  outputTokens?: number;
}

export class ScriptedModel {
  /** The prompt text of each turn, in order: the system prompt's task as the model saw it. */
  readonly turnPrompts: string[] = [];
  readonly languageModel: MockLanguageModelV3;
  private readonly replies: ScriptedReply[];

  /** Replies are used in order across turns; when they run out the model says "done". */
  constructor(replies: ScriptedReply[]) {
    this.replies = [...replies];
    this.languageModel = new MockLanguageModelV3({ doGenerate: async (options) => this.answer(options) });
  }

  get calls(): number {
    return this.languageModel.doGenerateCalls.length;
  }

  private answer(options: CallOptions): GenerateResult {
    // A turn's first call carries no assistant message yet: that is where its prompt is read.
    if (!options.prompt.some((message) => message.role === 'assistant')) {
      const user = options.prompt.find((message) => message.role === 'user');
      this.turnPrompts.push(user ? user.content.map((part) => (part.type === 'text' ? part.text : '')).join('') : '');
    }
    const reply = this.replies.shift() ?? { text: 'done' };
    const toolCalls = reply.toolCalls ?? [];
    const callNumber = this.calls;
    return {
      content: [
        ...(reply.text ? [{ type: 'text' as const, text: reply.text }] : []),
        ...toolCalls.map((call, index) => ({
          type: 'tool-call' as const,
          toolCallId: `call-${callNumber}-${index}`,
          toolName: call.name,
          input: JSON.stringify(call.input),
        })),
      ],
      finishReason: { unified: toolCalls.length ? 'tool-calls' : 'stop', raw: undefined },
      usage: {
        inputTokens: { total: reply.inputTokens ?? 10, noCache: reply.inputTokens ?? 10, cacheRead: undefined, cacheWrite: undefined },
        outputTokens: { total: reply.outputTokens ?? 10, text: reply.outputTokens ?? 10, reasoning: undefined },
      },
      warnings: [],
    };
  }
}
