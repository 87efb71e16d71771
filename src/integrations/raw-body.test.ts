import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { readRawBody } from './raw-body.ts';
import { WebhookRejectedError } from './webhook-rejected-error.ts';

function app(maxBytes: number) {
  const hono = new Hono();
  hono.onError((error, c) => (error instanceof WebhookRejectedError ? c.json({ code: error.code }, error.status) : c.text(String(error), 500)));
  hono.post('/', async (c) => c.json({ length: (await readRawBody(c, maxBytes)).length }));
  return hono;
}

/** A body sent as a stream of chunks, without a content-length, as chunked transfer does. */
function streamed(chunks: number, chunkSize: number, pulled: { count: number }): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      if (pulled.count >= chunks) return controller.close();
      pulled.count += 1;
      controller.enqueue(new Uint8Array(chunkSize).fill(97));
    },
  });
}

describe('readRawBody', () => {
  it('returns the exact bytes up to the limit', async () => {
    const response = await app(10).request('/', { method: 'POST', body: 'é123456' });
    expect(await response.json()).toMatchObject({ length: 8 });
  });

  it('refuses a declared length over the limit with 413 before reading', async () => {
    const response = await app(10).request('/', { method: 'POST', body: 'x'.repeat(11), headers: { 'content-length': '11' } });
    expect(response.status).toBe(413);
  });

  it('stops reading a chunked body as soon as it passes the limit', async () => {
    const pulled = { count: 0 };
    const request = new Request('http://local/', { method: 'POST', body: streamed(1000, 1024, pulled), duplex: 'half' } as RequestInit);
    const response = await app(4096).fetch(request);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ code: 'payload_too_large' });
    // Five 1 KiB chunks pass 4 KiB; the stream may pull a chunk or two ahead, never the whole megabyte.
    expect(pulled.count).toBeLessThan(10);
  });
});
