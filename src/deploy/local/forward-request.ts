// Forwards one client request to a release with undici and streams the answer back. Node's http
// server parses the client side and undici the upstream side: no HTTP is parsed by hand here.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
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
  let clientGone = false;
  response.once('close', () => (clientGone = !response.writableFinished));

  // undici's stream(): the answer is written straight into the client's response, with
  // backpressure, and a client that goes away aborts the upstream request. Cheaper than request()
  // plus a pipe, which matters at thousands of requests a second.
  let status = 0;
  try {
    await upstream.stream({ path: request.url ?? '/', method: request.method as Dispatcher.HttpMethod, headers, body: hasBody ? request : null }, (answer) => {
      status = answer.statusCode;
      response.writeHead(answer.statusCode, endToEndHeaders(answer.headers as IncomingHttpHeaders));
      return response;
    });
    return { status, connectionError: false };
  } catch (error) {
    if (!hasBody) request.resume();
    if (status !== 0) {
      // Status already sent: the client sees a cut-off body, the release is charged unless the client left.
      response.destroy();
      return { status, connectionError: !clientGone };
    }
    if (!response.headersSent && !response.destroyed) {
      response.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`bad gateway: the release did not answer (${(error as Error).message})\n`);
    }
    return { status: 502, connectionError: !clientGone };
  }
}
