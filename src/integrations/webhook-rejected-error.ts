import { HttpError } from '../http/http-error.ts';

/**
 * A webhook request refused before anything was stored: 400 malformed, 401 bad signature or stale
 * timestamp, 413 too large, 503 the integration is not configured. The server turns it into `{ error: { code, message } }`.
 */
export class WebhookRejectedError extends HttpError {
  override name = 'WebhookRejectedError';
  constructor(status: 400 | 401 | 413 | 503, code: string, message: string) {
    super(status, code, message);
  }
}
