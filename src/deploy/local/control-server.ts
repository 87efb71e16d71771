// The proxy's control channel: small JSON over HTTP on a Unix socket. It outlives Mender with the
// proxy, so a restarted Mender steers the same process. Every change is validated first; a
// refused request answers 400 with what was wrong and leaves the weights as they were.
import fs from 'node:fs';
import http from 'node:http';
import type { ControlError, ProxyHealth, ProxyMetrics, Upstreams } from './proxy-protocol.ts';
import { describeIssues, upstreamsSchema } from './proxy-protocol.ts';

const maxBodyBytes = 64 * 1024;

export interface ControlHandlers {
  health(): ProxyHealth;
  metrics(): ProxyMetrics;
  setUpstreams(upstreams: Upstreams): void;
  stop(): void;
}

class ControlRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: ControlError,
  ) {
    super(body.error.message);
  }
}

const invalid = (message: string) => new ControlRequestError(400, { ok: false, error: { code: 'invalid_request', message } });

async function readJson(request: http.IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > maxBodyBytes) throw invalid(`the body is larger than ${maxBodyBytes} bytes`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid('the body is not JSON: send {"stable":{"release","port"},"canary"?:{"release","port"},"canaryPercent"}');
  }
}

async function route(request: http.IncomingMessage, handlers: ControlHandlers): Promise<unknown> {
  const route = `${request.method} ${request.url}`;
  if (route === 'GET /health') return handlers.health();
  if (route === 'GET /metrics') return handlers.metrics();
  if (route === 'PUT /upstreams') {
    const parsed = upstreamsSchema.safeParse(await readJson(request));
    if (!parsed.success) throw invalid(`upstreams refused, nothing changed: ${describeIssues(parsed.error)}`);
    handlers.setUpstreams(parsed.data);
    return { ok: true, upstreams: parsed.data };
  }
  if (route === 'POST /stop') {
    setImmediate(() => handlers.stop());
    return { ok: true };
  }
  throw new ControlRequestError(404, {
    ok: false,
    error: { code: 'not_found', message: `no control route ${route}: use GET /health, GET /metrics, PUT /upstreams or POST /stop` },
  });
}

/** Listens on `socketPath`, readable and writable by the owner only. */
export async function startControlServer(socketPath: string, handlers: ControlHandlers): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    route(request, handlers).then(
      (body) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
      (error: unknown) => {
        const refused =
          error instanceof ControlRequestError
            ? error
            : new ControlRequestError(500, { ok: false, error: { code: 'invalid_request', message: String(error) } });
        response.writeHead(refused.status, { 'content-type': 'application/json' }).end(JSON.stringify(refused.body));
      },
    );
  });
  // The umask makes the socket 0600 from the moment it exists; the chmod says so explicitly.
  const previousMask = process.umask(0o077);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
  } finally {
    process.umask(previousMask);
  }
  fs.chmodSync(socketPath, 0o600);
  return server;
}
