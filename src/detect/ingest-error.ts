/** A refused ingest request: the status a Sentry SDK understands, a stable code and a message saying what to fix. */
export class IngestError extends Error {
  override name = 'IngestError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 413 | 415 | 429,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}
