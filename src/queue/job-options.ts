import type { JobOptions } from './job-queue.ts';

// Option defaults and checks shared by every backend, so a job means the same on each.

export const jobDefaults = { maxAttempts: 3, backoffMs: 1000 };

const largestInteger = 2_147_483_647; // `integer` columns hold 32 bits
const longestBackoffMs = 24 * 60 * 60 * 1000;

export interface CheckedJobOptions {
  priority: number;
  delayMs: number;
  maxAttempts: number;
  backoffMs: number;
  dedupeKey: string | undefined;
}

/** Fills in the defaults and refuses values no backend can store (a RangeError naming the option). */
export function checkJobOptions(options: JobOptions): CheckedJobOptions {
  return {
    priority: checkInteger('priority', options.priority ?? 0, -largestInteger),
    delayMs: checkInteger('delayMs', options.delayMs ?? 0, 0, Number.MAX_SAFE_INTEGER),
    maxAttempts: checkInteger('maxAttempts', options.maxAttempts ?? jobDefaults.maxAttempts, 1),
    backoffMs: checkInteger('backoffMs', options.backoffMs ?? jobDefaults.backoffMs, 0),
    dedupeKey: options.dedupeKey,
  };
}

export function checkInteger(name: string, value: number, minimum: number, maximum = largestInteger): number {
  if (!Number.isSafeInteger(value) || value < minimum || value > maximum) {
    throw new RangeError(`${name} must be a whole number from ${minimum} to ${maximum}, got ${value}`);
  }
  return value;
}

/** Wait before the next attempt: the base doubled for each attempt made (1×, 2×, 4×, …), at most a day. */
export function backoffDelay(backoffMs: number, attempt: number): number {
  return Math.min(backoffMs * 2 ** (attempt - 1), longestBackoffMs);
}

/** An error as stored with a failed attempt: name and message, at most 4000 characters. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
}
