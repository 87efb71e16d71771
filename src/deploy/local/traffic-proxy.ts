// The public side of the proxy: an HTTP server on the environment's port that sends each request
// to the stable or the canary release by weight, through one undici Pool per release, and counts
// what each release served.
import http from 'node:http';
import { Pool } from 'undici';
import { forwardRequest } from './forward-request.ts';
import type { Upstream, Upstreams } from './proxy-protocol.ts';
import { ReleaseMetrics } from './release-metrics.ts';
import { TrafficSplit } from './traffic-split.ts';

const poolKey = (upstream: Upstream) => `${upstream.release}@${upstream.port}`;

export class TrafficProxy {
  readonly metrics = new ReleaseMetrics();
  private readonly split = new TrafficSplit();
  private readonly pools = new Map<string, Pool>();
  private readonly server: http.Server;

  constructor() {
    this.server = http.createServer((request, response) => void this.handle(request, response));
    // Keep idle client connections a little longer than common client pools do, so a keep-alive
    // client rarely races the server closing its socket.
    this.server.keepAliveTimeout = 65_000;
  }

  get upstreams(): Upstreams | undefined {
    return this.split.current;
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as { port: number }).port);
      });
    });
  }

  /**
   * Switches weights in one synchronous step, so the next request already uses them. Requests in
   * flight to a release that leaves finish on its pool, which closes once they are done.
   */
  setUpstreams(upstreams: Upstreams): void {
    // No body timeout: an event stream may be quiet for minutes, and a client that tires of it can leave.
    const wanted = [upstreams.stable, ...(upstreams.canary ? [upstreams.canary] : [])];
    for (const upstream of wanted) {
      if (!this.pools.has(poolKey(upstream))) {
        this.pools.set(poolKey(upstream), new Pool(`http://127.0.0.1:${upstream.port}`, { connections: 256, keepAliveTimeout: 30_000, bodyTimeout: 0 }));
      }
    }
    this.split.set(upstreams);
    const wantedKeys = new Set(wanted.map(poolKey));
    for (const [key, pool] of this.pools) {
      if (wantedKeys.has(key)) continue;
      this.pools.delete(key);
      void pool.close().catch(() => undefined);
    }
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const upstream = this.split.choose();
    const pool = upstream && this.pools.get(poolKey(upstream));
    if (!upstream || !pool) {
      request.resume();
      response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1' });
      response.end('no release is serving this environment yet\n');
      return;
    }
    this.metrics.started(upstream.release);
    const outcome = await forwardRequest(request, response, pool);
    this.metrics.record(upstream.release, outcome.status, outcome.connectionError, performance.now() - startedAt);
  }

  /** Stops taking connections and waits for requests in flight, then closes the pools. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      // A client that keeps its connection busy must not hold the proxy open for ever.
      setTimeout(() => this.server.closeAllConnections(), 10_000).unref();
    });
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
  }
}
