// Per-release counters kept by the proxy. Cumulative only: an interval is the difference of two
// readings (see subtractMetrics), so any number of readers can take intervals without resetting
// one another's figures.
import { emptyHistogram, recordLatency, subtractHistograms } from '../latency-histogram.ts';
import type { ProxyMetrics, ReleaseCounts, StatusClass } from './proxy-protocol.ts';

const emptyCounts = (): ReleaseCounts => ({
  requests: 0,
  statuses: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
  connectionErrors: 0,
  inFlight: 0,
  latency: emptyHistogram(),
});

export function statusClass(status: number): StatusClass {
  if (status < 200) return '1xx';
  if (status < 300) return '2xx';
  if (status < 400) return '3xx';
  if (status < 500) return '4xx';
  return '5xx';
}

export class ReleaseMetrics {
  private readonly releases = new Map<string, ReleaseCounts>();

  private counts(release: string): ReleaseCounts {
    let counts = this.releases.get(release);
    if (!counts) this.releases.set(release, (counts = emptyCounts()));
    return counts;
  }

  /** A request on its way to the release: counted in flight until `record`. */
  started(release: string): void {
    this.counts(release).inFlight += 1;
  }

  /** One finished request: the status the client saw (none if it left first), whether the release failed, and its latency. */
  record(release: string, status: number | undefined, connectionError: boolean, latencyMs: number): void {
    const counts = this.counts(release);
    counts.inFlight -= 1;
    counts.requests += 1;
    if (status !== undefined) counts.statuses[statusClass(status)] += 1;
    if (connectionError) counts.connectionErrors += 1;
    recordLatency(counts.latency, latencyMs);
  }

  snapshot(): Record<string, ReleaseCounts> {
    return structuredClone(Object.fromEntries(this.releases));
  }
}

/** The figures recorded between two readings of the same proxy process; throws for readings of different processes. */
export function subtractMetrics(later: ProxyMetrics, earlier: ProxyMetrics): Record<string, ReleaseCounts> {
  if (later.pid !== earlier.pid || later.startedAt !== earlier.startedAt) {
    throw new Error(`the two readings come from different proxy processes (${earlier.pid} and ${later.pid}): take a new baseline reading`);
  }
  const interval: Record<string, ReleaseCounts> = {};
  for (const [release, now] of Object.entries(later.releases)) {
    const before = earlier.releases[release] ?? emptyCounts();
    interval[release] = {
      requests: now.requests - before.requests,
      statuses: {
        '1xx': now.statuses['1xx'] - before.statuses['1xx'],
        '2xx': now.statuses['2xx'] - before.statuses['2xx'],
        '3xx': now.statuses['3xx'] - before.statuses['3xx'],
        '4xx': now.statuses['4xx'] - before.statuses['4xx'],
        '5xx': now.statuses['5xx'] - before.statuses['5xx'],
      },
      connectionErrors: now.connectionErrors - before.connectionErrors,
      // A level, not a count: the later reading's.
      inFlight: now.inFlight,
      latency: subtractHistograms(now.latency, before.latency),
    };
  }
  return interval;
}
