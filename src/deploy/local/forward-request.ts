// Forwards one client request to a release with undici and streams the answer back. Node's http
// server parses the client side and undici the upstream side: no HTTP is parsed by hand here.
// undici's dispatch() with a handler writes the answer straight into the client's response: the
// fastest path undici offers, and the only one that tells apart a release breaking off its
// answer (charged to the release) from a client leaving early (charged to nobody).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';

/** Meaningful for one connection only (RFC 9110 §7.6.1), so never passed on; `expect` is answered by Node itself. */
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
]);

/**
 * Raw headers (name, value, name, value…) minus the hop-by-hop ones, including any the Connection
 * header names, and minus `drop`. Raw, so case and repeated headers (Set-Cookie) pass as sent.
 */
export function endToEndHeaders(raw: readonly (string | Buffer)[], drop: ReadonlySet<string> = new Set()): string[] {
  const text = raw.map((item) => (typeof item === 'string' ? item : item.toString('latin1')));
  const named = new Set<string>();
  for (let index = 0; index < text.length; index += 2) {
    if (text[index]!.toLowerCase() !== 'connection') continue;
    for (const name of text[index + 1]!.split(',')) named.add(name.trim().toLowerCase());
  }
  const kept: string[] = [];
  for (let index = 0; index < text.length; index += 2) {
    const name = text[index]!.toLowerCase();
    if (hopByHop.has(name) || named.has(name) || drop.has(name)) continue;
    kept.push(text[index]!, text[index + 1]!);
  }
  return kept;
}

export interface ForwardOutcome {
  /** The status the client saw (502 when the release could not be reached); undefined when the client left before any. */
  status: number | undefined;
  /** The release failed: no answer, or the answer broke off mid-body. */
  connectionError: boolean;
}

const forwardedHeaders = new Set(['x-forwarded-for', 'x-forwarded-proto']);

export function forwardRequest(request: IncomingMessage, response: ServerResponse, upstream: Dispatcher): Promise<ForwardOutcome> {
  const headers = endToEndHeaders(request.rawHeaders, forwardedHeaders);
  const priorFor = request.headers['x-forwarded-for'];
  const clientAddress = request.socket.remoteAddress ?? '';
  // The proxy is the edge and listens on plain HTTP; a client's own claim of the protocol is not trusted.
  headers.push('x-forwarded-for', priorFor ? `${String(priorFor)}, ${clientAddress}` : clientAddress, 'x-forwarded-proto', 'http');
  // A body only when the client sent one: a stream body without a length would make undici send a chunked GET.
  const hasBody = request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined;
  if (!hasBody) request.resume();

  return new Promise((resolve) => {
    let status: number | undefined;
    let clientGone = false;
    let abortUpstream: ((reason?: Error) => void) | undefined;
    response.once('close', () => {
      if (response.writableFinished) return;
      clientGone = true;
      abortUpstream?.(new Error('the client closed the connection'));
    });
    const handler: Dispatcher.DispatchHandlers = {
      onConnect(abort) {
        abortUpstream = abort;
        if (clientGone) abort(new Error('the client closed the connection'));
      },
      onHeaders(statusCode, rawHeaders, resume) {
        // Informational answers are not relayed: Node's server sends its own 100 Continue.
        if (statusCode < 200) return true;
        status = statusCode;
        response.writeHead(statusCode, endToEndHeaders(rawHeaders));
        response.on('drain', resume);
        return true;
      },
      // false pauses the release's socket until the client has taken what was written (backpressure).
      onData: (chunk) => response.write(chunk),
      onComplete() {
        response.end();
        resolve({ status, connectionError: false });
      },
      onError(error) {
        if (clientGone) return resolve({ status, connectionError: false });
        if (status !== undefined) {
          // Status already sent: the client sees a cut-off body.
          response.destroy();
          return resolve({ status, connectionError: true });
        }
        response.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(`bad gateway: the release did not answer (${error.message})\n`);
        resolve({ status: 502, connectionError: true });
      },
    };
    upstream.dispatch({ path: request.url ?? '/', method: request.method as Dispatcher.HttpMethod, headers, body: hasBody ? request : null }, handler);
  });
}
