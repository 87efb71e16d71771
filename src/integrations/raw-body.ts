import type { Context } from 'hono';
import { WebhookRejectedError } from './webhook-rejected-error.ts';

function tooLarge(maxBytes: number): WebhookRejectedError {
  return new WebhookRejectedError(413, 'payload_too_large', `the webhook body is larger than ${maxBytes} bytes (MENDER_WEBHOOK_BODY_LIMIT_BYTES)`);
}

/**
 * The request body as raw bytes, for signature checks. Refuses with 413 as soon as the declared
 * length or the bytes read pass `maxBytes`, without buffering the rest.
 */
export async function readRawBody(c: Context<any>, maxBytes: number): Promise<Buffer> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const stream = c.req.raw.body;
  if (!stream) return Buffer.alloc(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}
