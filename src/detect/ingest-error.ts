import { HttpError } from '../http/http-error.ts';

/** A refused ingest request: the status a Sentry SDK understands, a stable code and a message saying what to fix. */
export class IngestError extends HttpError {
  override name = 'IngestError';
  constructor(status: 400 | 401 | 403 | 404 | 413 | 415 | 429, code: string, message: string, headers: Record<string, string> = {}) {
    super(status, code, message, undefined, headers);
  }

  // Sentry SDKs read `detail`; Mender's own clients read `error`.
  override responseBody(): Record<string, unknown> {
    return { detail: this.message, error: { code: this.code, message: this.message } };
  }
}
