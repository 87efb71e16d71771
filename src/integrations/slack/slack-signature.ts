import { hmacSha256Hex, verifyHmacSha256Hex } from '../signatures.ts';
import { requireFreshTimestamp } from '../timestamp-freshness.ts';
import { WebhookRejectedError } from '../webhook-rejected-error.ts';

export interface SlackRequestHeaders {
  signature: string | undefined;
  timestamp: string | undefined;
}

/**
 * Slack's request signing: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:{timestamp}:{raw body}">`
 * with the signing secret, and `X-Slack-Request-Timestamp` no older than five minutes.
 * Throws a 401 WebhookRejectedError; the signature is checked before the timestamp is trusted.
 */
export function verifySlackRequest(signingSecret: string, rawBody: Buffer, headers: SlackRequestHeaders, now: Date = new Date()): void {
  const signature = /^v0=([0-9a-fA-F]{64})$/.exec(headers.signature?.trim() ?? '')?.[1];
  if (!signature) throw new WebhookRejectedError(401, 'missing_signature', 'X-Slack-Signature is missing or not v0=<64 hex digits>');
  const signed = Buffer.concat([Buffer.from(`v0:${headers.timestamp ?? ''}:`), rawBody]);
  if (!verifyHmacSha256Hex(signingSecret, signed, signature)) {
    throw new WebhookRejectedError(
      401,
      'bad_signature',
      'X-Slack-Signature does not match the body: check MENDER_SLACK_SIGNING_SECRET against the app\'s "Signing Secret"',
    );
  }
  requireFreshTimestamp(headers.timestamp, 'X-Slack-Request-Timestamp', now);
}

/** The headers Slack would send for `rawBody` at `timestamp` (Unix seconds): for tests, benchmarks and tools. */
export function signSlackRequest(signingSecret: string, rawBody: string | Buffer, timestamp: number): Record<string, string> {
  const signed = Buffer.concat([Buffer.from(`v0:${timestamp}:`), Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody)]);
  return { 'x-slack-signature': `v0=${hmacSha256Hex(signingSecret, signed)}`, 'x-slack-request-timestamp': String(timestamp) };
}
