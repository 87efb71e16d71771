import type { z } from 'zod';
import { findUnstorable } from '../store/storable-text.ts';
import { WebhookRejectedError } from './webhook-rejected-error.ts';

/** Parses a verified JSON body against `schema`; anything else is a 400 that stores nothing. */
export function parseWebhookJson<Schema extends z.ZodType>(rawBody: Buffer, schema: Schema, what: string): z.output<Schema> {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch (error) {
    throw new WebhookRejectedError(400, 'malformed_json', `the ${what} body is not valid JSON: ${(error as Error).message}`);
  }
  return checkShape(json, schema, what);
}

/** Parses an `application/x-www-form-urlencoded` body (Slack's slash commands and interactions) into its fields. */
export function parseFormBody(rawBody: Buffer): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(rawBody.toString('utf8')));
}

/** Checks a verified payload against `schema`; text the database cannot store (NUL, a lone surrogate) is a 400 naming the field. */
export function checkShape<Schema extends z.ZodType>(value: unknown, schema: Schema, what: string): z.output<Schema> {
  const unstorable = findUnstorable(value);
  if (unstorable)
    throw new WebhookRejectedError(400, 'invalid_payload', `the ${what} payload cannot be stored: ${unstorable.path || '(body)'} ${unstorable.problem}`);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
    throw new WebhookRejectedError(400, 'invalid_payload', `the ${what} payload is not what Mender expects: ${problems}`);
  }
  return parsed.data;
}
