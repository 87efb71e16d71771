import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
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

describe('readRawBody behind the Node server (read from the IncomingMessage)', () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  });

  async function listen(maxBytes: number): Promise<number> {
    const server = await new Promise<http.Server>((resolve) => {
      const created = serve({ fetch: app(maxBytes).fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(created as http.Server));
    });
    servers.push(server);
    return (server.address() as AddressInfo).port;
  }

  /** Sends `chunks` chunks of `chunkSize` bytes with chunked transfer, a few milliseconds apart, until the answer comes. */
  function sendChunked(port: number, chunks: number, chunkSize: number) {
    return new Promise<{ status: number; body: string; connection: string | undefined; chunksWritten: number }>((resolve, reject) => {
      let written = 0;
      let answered = false;
      const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'transfer-encoding': 'chunked' } }, (response) => {
        answered = true;
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body, connection: response.headers.connection, chunksWritten: written }));
      });
      request.on('error', (error) => (answered ? undefined : reject(error)));
      const writeNext = () => {
        if (answered || written >= chunks) return void (written >= chunks && request.end());
        written += 1;
        request.write(Buffer.alloc(chunkSize, 97), () => setTimeout(writeNext, 2));
      };
      writeNext();
    });
  }

  it('returns the exact bytes of a chunked body within the limit', async () => {
    const port = await listen(10_000);
    const answer = await sendChunked(port, 5, 1000);
    expect(answer).toMatchObject({ status: 200, body: JSON.stringify({ length: 5000 }) });
  });

  it('refuses a chunked body once it passes the limit, and closes the connection instead of reading the rest', async () => {
    const port = await listen(4096);
    const answer = await sendChunked(port, 1000, 1024);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ code: 'payload_too_large' });
    expect(answer.connection).toBe('close');
    expect(answer.chunksWritten).toBeLessThan(100);
  });

  it('refuses a declared length over the limit before reading', async () => {
    const port = await listen(10);
    const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'x'.repeat(11) });
    expect(response.status).toBe(413);
  });
});
