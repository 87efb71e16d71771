import { WebhookRejectedError } from './webhook-rejected-error.ts';

/** Five minutes, as Slack recommends: a captured request cannot be replayed later than this. */
export const defaultMaxAgeSeconds = 5 * 60;

/**
 * Refuses (401) a request whose signed timestamp (Unix seconds) is missing, not a number, or
 * further than `maxAgeSeconds` from now in either direction.
 */
export function requireFreshTimestamp(header: string | undefined, headerName: string, now: Date = new Date(), maxAgeSeconds = defaultMaxAgeSeconds): number {
  const seconds = header === undefined || header.trim() === '' ? Number.NaN : Number(header);
  if (!Number.isFinite(seconds)) throw new WebhookRejectedError(401, 'missing_timestamp', `the ${headerName} header is missing or not a Unix time in seconds`);
  const ageSeconds = Math.abs(now.getTime() / 1000 - seconds);
  if (ageSeconds > maxAgeSeconds) {
    throw new WebhookRejectedError(
      401,
      'stale_timestamp',
      `the ${headerName} timestamp is ${Math.round(ageSeconds)} s away from now (more than ${maxAgeSeconds} s): replays are refused; check the sender's clock`,
    );
  }
  return seconds;
}
