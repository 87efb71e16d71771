/**
 * The OpenAI chat-completions wire format (POST /v1/chat/completions), as the real service writes
 * it: a `chat.completion` object, or `chat.completion.chunk` Server-Sent Events ending in
 * `data: [DONE]`, with a final `choices: []` usage chunk when `stream_options.include_usage` is set.
 */
import type { ResolvedReply } from './scripted-model-types.ts';
import { serverSentEvent, splitIntoWords, splitJsonInTwo } from './stream-pieces.ts';

function finishReasonOf(reply: ResolvedReply): 'tool_calls' | 'stop' {
  return reply.toolCalls.length > 0 ? 'tool_calls' : 'stop';
}

function usageOf(reply: ResolvedReply) {
  return {
    prompt_tokens: reply.usage.inputTokens,
    completion_tokens: reply.usage.outputTokens,
    total_tokens: reply.usage.inputTokens + reply.usage.outputTokens,
  };
}

export function openAIResponseBody(reply: ResolvedReply, created: number): unknown {
  return {
    id: reply.responseId,
    object: 'chat.completion',
    created,
    model: reply.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.text ?? null,
          refusal: null,
          ...(reply.toolCalls.length > 0
            ? {
                tool_calls: reply.toolCalls.map((toolCall) => ({
                  id: toolCall.id,
                  type: 'function',
                  function: { name: toolCall.name, arguments: JSON.stringify(toolCall.arguments) },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: finishReasonOf(reply),
      },
    ],
    usage: usageOf(reply),
  };
}

export function openAIStreamFrames(reply: ResolvedReply, created: number, includeUsage: boolean): string[] {
  const chunk = (choices: unknown[]) => ({
    id: reply.responseId,
    object: 'chat.completion.chunk',
    created,
    model: reply.model,
    choices,
    // The real service sends `usage: null` on every chunk but the last when usage is requested.
    ...(includeUsage ? { usage: null } : {}),
  });
  const choice = (delta: unknown, finishReason: string | null = null) => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finishReason,
  });

  const frames: unknown[] = [chunk([choice({ role: 'assistant', content: '', refusal: null })])];
  for (const piece of splitIntoWords(reply.text ?? '')) {
    frames.push(chunk([choice({ content: piece })]));
  }
  reply.toolCalls.forEach((toolCall, index) => {
    frames.push(
      chunk([
        choice({
          tool_calls: [
            {
              index,
              id: toolCall.id,
              type: 'function',
              function: { name: toolCall.name, arguments: '' },
            },
          ],
        }),
      ]),
    );
    for (const fragment of splitJsonInTwo(JSON.stringify(toolCall.arguments))) {
      frames.push(chunk([choice({ tool_calls: [{ index, function: { arguments: fragment } }] })]));
    }
  });
  frames.push(chunk([choice({}, finishReasonOf(reply))]));
  if (includeUsage) frames.push({ ...chunk([]), usage: usageOf(reply) });

  return [...frames.map((frame) => serverSentEvent(frame)), serverSentEvent('[DONE]')];
}

function openAIErrorType(status: number): string {
  if (status === 400) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_exceeded';
  return 'server_error';
}

export function openAIErrorBody(status: number, message: string): unknown {
  return { error: { message, type: openAIErrorType(status), param: null, code: null } };
}
