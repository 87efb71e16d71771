import type { Context } from 'hono';
import { readBodyWithin } from '../http/read-body-within.ts';
import { WebhookRejectedError } from './webhook-rejected-error.ts';

function tooLarge(maxBytes: number): WebhookRejectedError {
  return new WebhookRejectedError(413, 'payload_too_large', `the webhook body is larger than ${maxBytes} bytes (MENDER_WEBHOOK_BODY_LIMIT_BYTES)`);
}

/** The request body as raw bytes, for signature checks; 413 past `maxBytes`. */
export async function readRawBody(c: Context<any>, maxBytes: number): Promise<Buffer> {
  return readBodyWithin(c, maxBytes, () => tooLarge(maxBytes));
}
