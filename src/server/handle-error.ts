import type { Context } from 'hono';
import { BudgetExceededError, ForbiddenError, InvalidTransitionError, NotFoundError } from '../pipeline/pipeline-errors.ts';
import { RepoRegistrationError } from '../pipeline/register-repo.ts';
import { HttpError } from './http-error.ts';
import { WebhookRejectedError } from '../integrations/webhook-rejected-error.ts';

/** The one place errors become HTTP responses: `{ error: { code, message, fields? } }`. */
export function handleError(error: Error, c: Context): Response {
  if (error instanceof HttpError) return c.json({ error: { code: error.code, message: error.message, fields: error.fields } }, error.status);
  if (error instanceof WebhookRejectedError) return c.json({ error: { code: error.code, message: error.message } }, error.status);
  if (error instanceof NotFoundError) return c.json({ error: { code: error.code, message: error.message } }, 404);
  if (error instanceof ForbiddenError) return c.json({ error: { code: error.code, message: error.message } }, 403);
  if (error instanceof BudgetExceededError) return c.json({ error: { code: error.code, message: error.message } }, 429, error.retryAfterSeconds ? { 'retry-after': String(error.retryAfterSeconds) } : {});
  if (error instanceof InvalidTransitionError) return c.json({ error: { code: error.code, message: error.message } }, 409);
  if (error instanceof RepoRegistrationError) {
    return c.json({ error: { code: error.conflict ? 'conflict' : error.code, message: error.message, fields: { [error.field]: [error.message] } } }, error.conflict ? 409 : 400);
  }
  console.error(error);
  return c.json({ error: { code: 'internal_error', message: 'internal error; see the Mender log' } }, 500);
}
