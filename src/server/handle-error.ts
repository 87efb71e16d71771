import type { Context } from 'hono';
import type { Logger } from '../logging/logger.ts';
import { BudgetExceededError, ForbiddenError, InvalidRequestError, InvalidTransitionError, NotFoundError } from '../pipeline/pipeline-errors.ts';
import { RepoRegistrationError } from '../pipeline/register-repo.ts';
import { HttpError } from '../http/http-error.ts';

/**
 * The one place errors become HTTP responses: `{ error: { code, message, fields? } }`. An error
 * nobody expected is a 500 whose details go to Mender's (redacting) log, not to the caller.
 */
export function createErrorHandler(log: Logger): (error: Error, c: Context) => Response {
  return (error, c) => handleError(error, c, log);
}

function handleError(error: Error, c: Context, log: Logger): Response {
  if (error instanceof HttpError) return c.json(error.responseBody(), error.status, error.headers);
  if (error instanceof NotFoundError) return c.json({ error: { code: error.code, message: error.message } }, 404);
  if (error instanceof ForbiddenError) return c.json({ error: { code: error.code, message: error.message } }, 403);
  if (error instanceof BudgetExceededError)
    return c.json(
      { error: { code: error.code, message: error.message } },
      429,
      error.retryAfterSeconds ? { 'retry-after': String(error.retryAfterSeconds) } : {},
    );
  if (error instanceof InvalidTransitionError) return c.json({ error: { code: error.code, message: error.message } }, 409);
  if (error instanceof InvalidRequestError)
    return c.json({ error: { code: error.code, message: error.message, ...(error.field ? { fields: { [error.field]: [error.message] } } : {}) } }, 400);
  if (error instanceof RepoRegistrationError) {
    return c.json(
      { error: { code: error.conflict ? 'conflict' : error.code, message: error.message, fields: { [error.field]: [error.message] } } },
      error.conflict ? 409 : 400,
    );
  }
  // A value that reached the database unchecked and was refused by it (SQLSTATE class 22, data
  // exception: NUL in a path parameter, a number out of range) is the request's fault, not ours.
  const dataException = databaseDataException(error);
  if (dataException)
    return c.json(
      {
        error: {
          code: 'invalid_request',
          message: `the request holds a value the database cannot store (${dataException}): remove NUL characters and keep numbers in range`,
        },
      },
      400,
    );
  log.error('a request failed with an unexpected error', { method: c.req.method, path: c.req.path, error: error.stack ?? error.message });
  return c.json({ error: { code: 'internal_error', message: 'internal error; see the Mender log' } }, 500);
}

function databaseDataException(error: unknown): string | undefined {
  for (let cause = error, depth = 0; cause && typeof cause === 'object' && depth < 5; cause = (cause as { cause?: unknown }).cause, depth += 1) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) return (cause as Error).message.slice(0, 300);
  }
  return undefined;
}
