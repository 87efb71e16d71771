/**
 * Reading what Mender sent a model (OpenAI chat-completions bodies, as the scripted model server
 * recorded them): the text Mender wrote (system, user and tool messages), apart from what the
 * model itself said, and where the <untrusted> blocks in it begin and end.
 */

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : JSON.stringify(part))).join('\n');
  return content === undefined || content === null ? '' : JSON.stringify(content);
}

/** Each system, user and tool message of a request, as text; the model's own messages are left out. */
export function textsWrittenByMender(body: unknown): string[] {
  if (!isObject(body) || !Array.isArray(body.messages)) return [];
  const texts: string[] = [];
  if (typeof body.system === 'string') texts.push(body.system);
  for (const message of body.messages) {
    if (!isObject(message) || message.role === 'assistant') continue;
    texts.push(textOf(message.content));
  }
  return texts;
}

const blockPattern = /<untrusted source="[^"]*">\n[\s\S]*?\n<\/untrusted>/g;

/** The text with every <untrusted> block cut out, each block ending at the first closing tag. */
export function outsideUntrustedBlocks(text: string): string {
  return text.replace(blockPattern, '[untrusted block]');
}

/** Opening and closing tags: a forged closing tag that survived makes them differ. */
export function countUntrustedTags(text: string): { openings: number; closings: number } {
  return { openings: (text.match(/<untrusted source=/gi) ?? []).length, closings: (text.match(/<\/\s*untrusted\s*>/gi) ?? []).length };
}

/** Characters a reader does not see: zero-width, bidirectional controls, soft hyphen. */
export const invisibleCharacter = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]/;
