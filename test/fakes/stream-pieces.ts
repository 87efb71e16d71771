/**
 * Splitting helpers for the streaming wire formats: real services send text a few tokens at a time
 * and tool arguments as JSON fragments, and clients must join them. Splitting here makes the tests
 * prove that joining works.
 */

/** Words with their trailing whitespace, e.g. `'Hello big world'` → `['Hello ', 'big ', 'world']`. */
export function splitIntoWords(text: string): string[] {
  return text.match(/\s*\S+\s*|\s+/g) ?? [];
}

/** Two fragments that are each invalid JSON on their own, so a client must concatenate them. */
export function splitJsonInTwo(json: string): string[] {
  if (json.length < 2) return [json];
  const middle = Math.floor(json.length / 2);
  return [json.slice(0, middle), json.slice(middle)];
}

/** One Server-Sent Events frame. Anthropic names its events; OpenAI sends bare `data:` lines. */
export function serverSentEvent(data: unknown, eventName?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${eventName === undefined ? '' : `event: ${eventName}\n`}data: ${payload}\n\n`;
}
