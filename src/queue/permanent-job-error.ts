/** Thrown by a job handler when trying again cannot help (bad payload, missing record): the job fails without retry. */
export class PermanentJobError extends Error {
  readonly code = 'job_not_retryable';
  readonly retryable = false;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/** Whether a handler's error allows another attempt: any error except one marked `retryable: false`. */
export function isRetryable(error: unknown): boolean {
  return !(typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === false);
}
