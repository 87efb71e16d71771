/** The statuses Mender's API answers with an error body. */
export type HttpErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 421 | 422 | 429 | 500 | 503;

/**
 * The one error that crosses the wire: status, stable code, message, field errors when the body
 * was wrong, and response headers (`retry-after`). `handleError` renders it as `{ error: { code, message, fields? } }`.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: HttpErrorStatus,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string[]>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** The JSON body of the response; a protocol with its own reader (Sentry's `detail`) overrides it. */
  responseBody(): Record<string, unknown> {
    return { error: { code: this.code, message: this.message, fields: this.fields } };
  }
}
