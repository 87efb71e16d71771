import { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/**
 * A request body as bytes, refused with `tooLarge()` as soon as the declared length or the bytes
 * read pass `limit`, without buffering the rest.
 *
 * Behind Mender's Node server the bytes are read straight from Node's IncomingMessage: going
 * through `c.req.raw.body` makes @hono/node-server build a web Request, an AbortController and
 * a web stream per request, which was a third of the ingest endpoint's CPU. Elsewhere (in-process
 * `app.request`) the web Request is all there is.
 */
export function readBodyWithin(c: Context, limit: number, tooLarge: () => Error): Promise<Buffer> {
  const declared = Number(c.req.header('content-length') ?? NaN);
  if (declared > limit) return Promise.reject(tooLarge());
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  if (incoming instanceof IncomingMessage && !incoming.readableDidRead)
    return readIncoming(incoming, limit, () => {
      // The rest of the body is not read: the refusal closes the connection rather than drain it.
      c.header('connection', 'close');
      return tooLarge();
    });
  return readRequest(c.req.raw, limit, tooLarge);
}

function readIncoming(incoming: IncomingMessage, limit: number, tooLarge: () => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      stop();
      incoming.pause();
      reject(tooLarge());
    };
    const onEnd = () => {
      stop();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    const onClose = () => {
      stop();
      reject(new Error('the client closed the connection before sending the whole body'));
    };
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

async function readRequest(request: Request, limit: number, tooLarge: () => Error): Promise<Buffer> {
  if (!request.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? Buffer.from(chunks[0]!.buffer, chunks[0]!.byteOffset, chunks[0]!.byteLength) : Buffer.concat(chunks, size);
}
