// The proxy's control channel vocabulary: what Mender may send (checked with zod before anything
// changes) and what the proxy answers. HTTP with small JSON bodies over a Unix socket in the data
// folder; the socket's folder is 0700 and the socket 0600, so only Mender's user can steer traffic.
import { z } from 'zod';
import type { LatencyHistogram } from '../latency-histogram.ts';

const upstreamSchema = z.strictObject({
  /** The release's label in metrics: its commit. */
  release: z.string().min(1).max(200),
  /** The release's private port on 127.0.0.1. */
  port: z.number().int().min(1).max(65535),
});

export const upstreamsSchema = z
  .strictObject({
    stable: upstreamSchema,
    canary: upstreamSchema.optional(),
    /** Share of new requests sent to the canary, a whole number 0–100. */
    canaryPercent: z.number().int().min(0).max(100),
  })
  .superRefine((upstreams, context) => {
    if (!upstreams.canary && upstreams.canaryPercent !== 0) {
      context.addIssue({ code: 'custom', path: ['canaryPercent'], message: 'canaryPercent must be 0 when no canary is given' });
    }
    if (upstreams.canary && upstreams.canary.release === upstreams.stable.release) {
      context.addIssue({ code: 'custom', path: ['canary', 'release'], message: 'the canary must be a different release from the stable one' });
    }
    if (upstreams.canary && upstreams.canary.port === upstreams.stable.port) {
      context.addIssue({ code: 'custom', path: ['canary', 'port'], message: 'the canary must listen on a different port from the stable release' });
    }
  });

export type Upstream = z.infer<typeof upstreamSchema>;
export type Upstreams = z.infer<typeof upstreamsSchema>;

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';

/** What one release has served since the proxy started. */
export interface ReleaseCounts {
  requests: number;
  /** By the status the client saw: a connection error's 502 counts here as 5xx too; a client that left before any status is in `requests` only. */
  statuses: Record<StatusClass, number>;
  /** Requests the release could not answer: connection refused or reset, before or during the response. */
  connectionErrors: number;
  /** Requests sent to the release and not finished yet: a release is stopped only once this is 0. */
  inFlight: number;
  /** From the request reaching the proxy to the last byte of the response leaving it. */
  latency: LatencyHistogram;
}

/** Cumulative since `startedAt`; two readings of the same proxy subtract to an interval. */
export interface ProxyMetrics {
  pid: number;
  startedAt: string;
  at: string;
  releases: Record<string, ReleaseCounts>;
}

/** The error every refused control request answers with. */
export interface ControlError {
  ok: false;
  error: { code: 'invalid_request' | 'not_found'; message: string };
}

/** Written by the proxy beside its socket, so a restarted Mender finds and re-adopts it. */
export const proxyStateSchema = z.object({
  pid: z.number().int().positive(),
  publicPort: z.number().int().min(1).max(65535),
  host: z.string(),
  socketPath: z.string(),
  startedAt: z.string(),
  upstreams: upstreamsSchema.nullable(),
});
export type ProxyState = z.infer<typeof proxyStateSchema>;

/** GET /health: the proxy's state as it is now. */
export type ProxyHealth = { ok: true } & ProxyState;

/** Names a zod failure's fields, e.g. `canary.port: Too small: expected number to be >=1`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
}
