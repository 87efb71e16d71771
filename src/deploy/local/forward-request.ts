// Forwards one client request to a release with undici and streams the answer back. Node's http
// server parses the client side and undici the upstream side: no HTTP is parsed by hand here.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
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

/** Headers minus the hop-by-hop ones, including any the Connection header names. */
export function endToEndHeaders(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const connection = headers.connection;
  const named = new Set(
    (Array.isArray(connection) ? connection.join(',') : (connection ?? ''))
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || hopByHop.has(name) || named.has(name)) continue;
    kept[name] = value;
  }
  return kept;
}

export interface ForwardOutcome {
  /** The status the client saw (502 when the release could not be reached). */
  status: number;
  /** The release failed: no answer, or the answer broke off mid-body. */
  connectionError: boolean;
}

export async function forwardRequest(request: IncomingMessage, response: ServerResponse, upstream: Dispatcher): Promise<ForwardOutcome> {
  const headers = endToEndHeaders(request.headers);
  const clientAddress = request.socket.remoteAddress ?? '';
  const priorFor = request.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = priorFor ? `${String(priorFor)}, ${clientAddress}` : clientAddress;
  // The proxy is the edge and listens on plain HTTP; a client's own claim is not trusted.
  headers['x-forwarded-proto'] = 'http';
  // A body only when the client sent one: a stream body without a length would make undici send
  // a chunked GET.
  const hasBody = request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined;
  const abort = new AbortController();
  // The client went away before the answer ended: stop asking the release too.
  response.once('close', () => {
    if (!response.writableFinished) abort.abort();
  });

  let answer: Dispatcher.ResponseData;
  try {
    answer = await upstream.request({
      path: request.url ?? '/',
      method: request.method as Dispatcher.HttpMethod,
      headers,
      body: hasBody ? request : null,
      signal: abort.signal,
    });
  } catch (error) {
    if (!hasBody) request.resume();
    if (!response.headersSent && !response.destroyed) {
      response.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`bad gateway: the release did not answer (${(error as Error).message})\n`);
    }
    return { status: 502, connectionError: true };
  }
  if (!hasBody) request.resume();
  response.writeHead(answer.statusCode, endToEndHeaders(answer.headers));
  try {
    await pipeline(answer.body, response);
    return { status: answer.statusCode, connectionError: false };
  } catch {
    // Status already sent: the client sees a cut-off body, the release is charged a connection error.
    response.destroy();
    return { status: answer.statusCode, connectionError: !abort.signal.aborted };
  }
}
