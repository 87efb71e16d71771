import type { Context } from 'hono';
import type { z } from 'zod';
import { findUnstorable } from '../store/storable-text.ts';
import { HttpError } from '../http/http-error.ts';

/** Parses a JSON body against a schema; an empty body counts as `{}` where `optional`. */
export async function parseBody<Schema extends z.ZodType>(c: Context<any>, schema: Schema, optional = false): Promise<z.output<Schema>> {
  const text = await c.req.text();
  let json: unknown = {};
  if (text.trim() !== '') {
    const type = c.req.header('content-type') ?? '';
    if (!type.includes('application/json')) throw new HttpError(415, 'unsupported_media_type', 'send the body as JSON with content-type: application/json');
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new HttpError(400, 'malformed_json', `the body is not valid JSON: ${(error as Error).message}`);
    }
  } else if (!optional) {
    throw new HttpError(400, 'missing_body', 'this route needs a JSON body');
  }
  refuseUnstorable(json, '(body)');
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw fieldErrors(parsed.error);
  return parsed.data;
}

export function parseQuery<Schema extends z.ZodType>(c: Context<any>, schema: Schema): z.output<Schema> {
  const query = c.req.query();
  refuseUnstorable(query, '(query)');
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw fieldErrors(parsed.error, '(query)');
  return parsed.data;
}

function fieldErrors(error: z.ZodError, whole = '(body)'): HttpError {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || whole;
    (fields[key] ??= []).push(issue.message);
  }
  const summary = Object.entries(fields)
    .map(([key, messages]) => `${key}: ${messages.join(', ')}`)
    .join('; ');
  return new HttpError(400, 'invalid_request', `the request is invalid: ${summary}`, fields);
}

/**
 * Text the database cannot hold (NUL, a lone surrogate) or nesting too deep to store is refused
 * before any route sees it, whatever its schema, naming the field: otherwise it fails as a 500 at
 * the first insert.
 */
function refuseUnstorable(value: unknown, whole: string): void {
  const found = findUnstorable(value);
  if (!found) return;
  const field = found.path || whole;
  throw new HttpError(400, 'invalid_request', `the request is invalid: ${field}: ${found.problem}`, { [field]: [found.problem] });
}
