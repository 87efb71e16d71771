import { z } from 'zod';

/** How many candidate starting points are tried before giving up on noisy output. */
const MAXIMUM_CANDIDATES = 20;

export type JsonDocumentResult<Value> = { ok: true; value: Value } | { ok: false; error: string };

/**
 * Parses a JSON document and validates it against a schema. Tolerates noise before the document
 * (e.g. npm's `> script` banner on stdout) by also trying each line that starts with the
 * document's opening character. Never throws.
 */
export function parseJsonDocument<Value>(text: string, schema: z.ZodType<Value>, opening: '{' | '['): JsonDocumentResult<Value> {
  const closing = opening === '{' ? '}' : ']';
  let schemaError: string | undefined;
  for (const candidate of candidates(text, opening, closing)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(candidate);
    } catch {
      continue;
    }
    const result = schema.safeParse(parsed);
    if (result.success) return { ok: true, value: result.data };
    schemaError ??= z.prettifyError(result.error);
  }
  if (schemaError !== undefined) {
    return { ok: false, error: `JSON does not have the expected shape: ${schemaError}` };
  }
  return {
    ok: false,
    error: text.trim() === '' ? 'the report is empty' : 'no JSON document found',
  };
}

function* candidates(text: string, opening: string, closing: string): Generator<string> {
  const trimmed = text.trim();
  if (trimmed === '') return;
  yield trimmed;
  const end = trimmed.lastIndexOf(closing);
  if (end < 0) return;
  let tried = 0;
  let start = trimmed.startsWith(opening) ? 0 : trimmed.indexOf(`\n${opening}`);
  while (start >= 0 && tried < MAXIMUM_CANDIDATES) {
    const begin = trimmed[start] === '\n' ? start + 1 : start;
    if (begin >= end) return;
    yield trimmed.slice(begin, end + 1);
    tried += 1;
    start = trimmed.indexOf(`\n${opening}`, begin + 1);
  }
}
