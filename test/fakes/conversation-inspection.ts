/**
 * Read a model request body (OpenAI chat-completions or Anthropic messages) the way a script needs:
 * which tools are offered, which agent role is asking, how far the conversation is, what the last
 * tool returned. Bodies come from the outside, so every reader tolerates any shape.
 */
import type { AgentRole } from './scripted-model-types.ts';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messagesOf(body: unknown): JsonObject[] {
  if (!isObject(body) || !Array.isArray(body.messages)) return [];
  return body.messages.filter(isObject);
}

/** Tool names offered in the request: `tools[].function.name` (OpenAI) or `tools[].name` (Anthropic). */
export function toolNamesOf(body: unknown): string[] {
  if (!isObject(body) || !Array.isArray(body.tools)) return [];
  const names: string[] = [];
  for (const tool of body.tools) {
    if (!isObject(tool)) continue;
    const name = isObject(tool.function) ? tool.function.name : tool.name;
    if (typeof name === 'string') names.push(name);
  }
  return names;
}

// Matches `writeFile`, `write_file` and namespaced forms such as `filesystem__writeFile`.
const writeToolPattern = /(^|__|\.)write_?file$/i;

/**
 * Which agent is asking, judged by its tools: a file-writing tool means the coder, `submit_plan`
 * the planner, `submit_review` the reviewer.
 */
export function detectRole(body: unknown): AgentRole | undefined {
  const names = toolNamesOf(body);
  if (names.some((name) => writeToolPattern.test(name))) return 'coder';
  if (names.includes('submit_plan')) return 'planner';
  if (names.includes('submit_review')) return 'reviewer';
  return undefined;
}

/** Number of assistant messages in the conversation so far (both wire formats use `role: 'assistant'`). */
export function countAssistantTurns(body: unknown): number {
  return messagesOf(body).filter((message) => message.role === 'assistant').length;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === undefined ? '' : JSON.stringify(content);
  return content
    .map((part) => {
      if (typeof part === 'string') return part;
      if (isObject(part) && typeof part.text === 'string') return part.text;
      return JSON.stringify(part);
    })
    .join('');
}

/**
 * The content, as text, of the latest tool result in the conversation: an OpenAI `role: 'tool'`
 * message, or an Anthropic `tool_result` block inside a user message. Undefined when there is none.
 */
export function lastToolResult(body: unknown): string | undefined {
  const messages = messagesOf(body);
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (message === undefined) continue;
    if (message.role === 'tool') return textOf(message.content);
    if (message.role === 'user' && Array.isArray(message.content)) {
      const results = message.content.filter((block): block is JsonObject => isObject(block) && block.type === 'tool_result');
      const latest = results.at(-1);
      if (latest !== undefined) return textOf(latest.content);
    }
  }
  return undefined;
}
