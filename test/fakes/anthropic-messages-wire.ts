/**
 * The Anthropic messages wire format (POST /v1/messages), as the real service writes it: a
 * `message` object, or the Server-Sent Events message_start, content_block_start,
 * content_block_delta (text_delta, input_json_delta), content_block_stop, message_delta and
 * message_stop.
 */
import type { ResolvedReply } from './scripted-model-types.ts';
import { serverSentEvent, splitIntoWords, splitJsonInTwo } from './stream-pieces.ts';

type ContentBlock = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

function contentBlocksOf(reply: ResolvedReply): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  // A text-only reply always has its text block, even empty, as the service does.
  if (reply.text !== undefined && (reply.text.length > 0 || reply.toolCalls.length === 0)) {
    blocks.push({ type: 'text', text: reply.text });
  }
  for (const toolCall of reply.toolCalls) {
    blocks.push({
      type: 'tool_use',
      id: toolCall.id,
      name: toolCall.name,
      input: toolCall.arguments,
    });
  }
  return blocks;
}

function stopReasonOf(reply: ResolvedReply): 'tool_use' | 'end_turn' {
  return reply.toolCalls.length > 0 ? 'tool_use' : 'end_turn';
}

export function anthropicResponseBody(reply: ResolvedReply): unknown {
  return {
    id: reply.responseId,
    type: 'message',
    role: 'assistant',
    model: reply.model,
    content: contentBlocksOf(reply),
    stop_reason: stopReasonOf(reply),
    stop_sequence: null,
    usage: { input_tokens: reply.usage.inputTokens, output_tokens: reply.usage.outputTokens },
  };
}

export function anthropicStreamFrames(reply: ResolvedReply): string[] {
  const frames: string[] = [];
  const emit = (data: { type: string } & Record<string, unknown>) => {
    frames.push(serverSentEvent(data, data.type));
  };

  emit({
    type: 'message_start',
    message: {
      id: reply.responseId,
      type: 'message',
      role: 'assistant',
      model: reply.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: reply.usage.inputTokens, output_tokens: 1 },
    },
  });
  emit({ type: 'ping' });
  contentBlocksOf(reply).forEach((block, index) => {
    if (block.type === 'text') {
      emit({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const piece of splitIntoWords(block.text)) {
        emit({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
      }
    } else {
      emit({
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      for (const fragment of splitJsonInTwo(JSON.stringify(block.input))) {
        emit({
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: fragment },
        });
      }
    }
    emit({ type: 'content_block_stop', index });
  });
  emit({
    type: 'message_delta',
    delta: { stop_reason: stopReasonOf(reply), stop_sequence: null },
    usage: { output_tokens: reply.usage.outputTokens },
  });
  emit({ type: 'message_stop' });
  return frames;
}

function anthropicErrorType(status: number): string {
  if (status === 400) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  return 'api_error';
}

export function anthropicErrorBody(status: number, message: string): unknown {
  return { type: 'error', error: { type: anthropicErrorType(status), message } };
}
