import { describe, expect, it } from 'vitest';
import type { CanaryInterval, CanaryObservation, FingerprintCount, ReleaseInterval } from './canary-observation.ts';
import { judgeCanary } from './judge-canary.ts';
import { defaultJudgeSettings } from './judge-settings.ts';
import { emptyHistogram, recordLatency } from '../latency-histogram.ts';

const minute = 60_000;

interface Traffic {
  requests: number;
  errors?: number;
  /** Latencies spread evenly over [0.5, 1.5] × this, so p95 ≈ 1.45 × it. */
  latencyMs?: number;
  health?: boolean[];
  exited?: ReleaseInterval['exited'];
}

function figures({ requests, errors = 0, latencyMs = 50, health = [true], exited }: Traffic): ReleaseInterval {
  const latency = emptyHistogram();
  for (let index = 0; index < requests; index++) recordLatency(latency, latencyMs * (0.5 + index / requests));
  return { requests, serverErrors: errors, latency, healthChecks: health, ...(exited ? { exited } : {}) };
}

/** `count` one-minute intervals with the same traffic on each side (stable omitted when null). */
function intervals(count: number, newRelease: Traffic, stableRelease: Traffic | null = newRelease, from = 0): CanaryInterval[] {
  return Array.from({ length: count }, (_, index) => ({
    endsAtMs: (from + index + 1) * minute,
    newRelease: figures(newRelease),
    ...(stableRelease ? { stableRelease: figures(stableRelease) } : {}),
  }));
}

const observe = (
  list: CanaryInterval[],
  extra: Partial<CanaryObservation> = {},
  newErrors: FingerprintCount[] = [],
  stableErrors: FingerprintCount[] = [],
): CanaryObservation => ({
  intervals: list,
  errors: { newRelease: newErrors, stableRelease: stableErrors },
  ...extra,
});

const healthy = { requests: 300, errors: 3 };

describe('judgeCanary', () => {
  it.each<{ name: string; observation: CanaryObservation; decision: string; rule: string }>([
    // Hard signals
    {
      name: 'the new process exits: rollback at once',
      observation: observe([...intervals(1, healthy), ...intervals(1, { ...healthy, exited: { code: 137, signal: null } }, healthy, 1)]),
      decision: 'rollback',
      rule: 'process_exited',
    },
    {
      name: '3 failed health checks in a row, across an interval boundary',
      observation: observe([...intervals(1, { ...healthy, health: [true, false, false] }), ...intervals(1, { ...healthy, health: [false, true] }, healthy, 1)]),
      decision: 'rollback',
      rule: 'health_failing',
    },
    {
      name: '4 failed health checks, never 3 in a row: keeps watching',
      observation: observe(intervals(2, { ...healthy, health: [false, false, true] })),
      decision: 'continue',
      rule: 'watching',
    },
    {
      name: 'a fingerprint only in the new release, 3 events from 3 users',
      observation: observe(intervals(1, healthy), {}, [{ fingerprint: 'TypeError@checkout', events: 3, users: 3 }]),
      decision: 'rollback',
      rule: 'new_error_fingerprint',
    },
    {
      name: 'a new fingerprint from 2 users only: one user retrying is not an outage',
      observation: observe(intervals(1, healthy), {}, [{ fingerprint: 'TypeError@checkout', events: 9, users: 2 }]),
      decision: 'continue',
      rule: 'watching',
    },
    {
      name: 'a fingerprint the stable release has too',
      observation: observe(
        intervals(1, healthy),
        {},
        [{ fingerprint: 'Timeout@db', events: 30, users: 20 }],
        [{ fingerprint: 'Timeout@db', events: 1, users: 1 }],
      ),
      decision: 'continue',
      rule: 'watching',
    },
    {
      name: 'a fingerprint stable produced before the deploy',
      observation: {
        intervals: intervals(1, healthy),
        errors: { newRelease: [{ fingerprint: 'Timeout@db', events: 30, users: 20 }], stableRelease: [], knownBefore: ['Timeout@db'] },
      },
      decision: 'continue',
      rule: 'watching',
    },
    // Error rate
    {
      name: '5xx 6 % against 1 % over 3 minutes of 300 requests',
      observation: observe(intervals(3, { requests: 300, errors: 18 }, { requests: 300, errors: 3 })),
      decision: 'rollback',
      rule: 'error_rate',
    },
    {
      name: 'absolute floor: 4 errors against 0 (2 points, but fewer than 5 errors)',
      observation: observe(intervals(1, { requests: 200, errors: 4 }, { requests: 200, errors: 0 })),
      decision: 'continue',
      rule: 'watching',
    },
    {
      name: 'absolute floor: 5.5 % against 5 % of 100,000 requests is significant but under 1 point',
      observation: observe(intervals(10, { requests: 10_000, errors: 550 }, { requests: 10_000, errors: 500 })),
      decision: 'promote',
      rule: 'watch_passed',
    },
    {
      name: '1 error against 0 at low traffic, to the end of the window',
      observation: observe(
        intervals(10, { requests: 10, errors: 0 }, { requests: 10 }).map((interval, index) =>
          index === 4 ? { ...interval, newRelease: figures({ requests: 10, errors: 1 }) } : interval,
        ),
      ),
      decision: 'inconclusive',
      rule: 'too_little_data',
    },
    // Latency
    {
      name: 'p95 2x for 2 intervals in a row',
      observation: observe(intervals(2, { requests: 300, latencyMs: 100 }, { requests: 300, latencyMs: 50 })),
      decision: 'rollback',
      rule: 'latency',
    },
    {
      name: 'p95 2x for 1 interval, then back to normal',
      observation: observe([
        ...intervals(1, { requests: 300, latencyMs: 100 }, { requests: 300 }),
        ...intervals(1, { requests: 300 }, { requests: 300 }, 1),
        ...intervals(1, { requests: 300, latencyMs: 100 }, { requests: 300 }, 2),
      ]),
      decision: 'continue',
      rule: 'watching',
    },
    {
      name: 'p95 3x on 50 samples an interval: too few to judge',
      observation: observe(intervals(3, { requests: 50, latencyMs: 150 }, { requests: 50 })),
      decision: 'continue',
      rule: 'watching',
    },
    // The window and promotion
    {
      name: 'healthy, before the end of the watch',
      observation: observe(intervals(9, healthy)),
      decision: 'continue',
      rule: 'watching',
    },
    {
      name: 'no traffic at all over the watch',
      observation: observe(intervals(10, { requests: 0 })),
      decision: 'inconclusive',
      rule: 'too_little_data',
    },
    {
      name: '150 requests over the watch, all fine',
      observation: observe(intervals(10, { requests: 15 })),
      decision: 'inconclusive',
      rule: 'too_little_data',
    },
    {
      name: '1,000 requests at 1 %: enough to promote by count, not to rule out a 1-point regression',
      observation: observe(intervals(10, { requests: 100, errors: 1 })),
      decision: 'inconclusive',
      rule: 'not_shown_not_worse',
    },
    {
      name: '10,000 requests at 1 % on both',
      observation: observe(intervals(10, { requests: 1000, errors: 10 })),
      decision: 'promote',
      rule: 'watch_passed',
    },
    // Baseline from before the deploy (a target that cannot split traffic)
    {
      name: 'baseline from before: as good as before → promote',
      observation: observe(intervals(10, { requests: 1000, errors: 10 }, null), { baselineFromBefore: figures({ requests: 10_000, errors: 100 }) }),
      decision: 'promote',
      rule: 'watch_passed',
    },
    {
      name: 'baseline from before: 5xx 4 % against 1 % before → rollback',
      observation: observe(intervals(2, { requests: 1000, errors: 40 }, null), { baselineFromBefore: figures({ requests: 10_000, errors: 100 }) }),
      decision: 'rollback',
      rule: 'error_rate',
    },
    {
      name: 'baseline from before: p95 2x the p95 before',
      observation: observe(intervals(2, { requests: 300, latencyMs: 100 }, null), { baselineFromBefore: figures({ requests: 3000, latencyMs: 50 }) }),
      decision: 'rollback',
      rule: 'latency',
    },
    {
      name: 'no baseline at all at the end of the watch',
      observation: observe(intervals(10, { requests: 1000 }, null)),
      decision: 'inconclusive',
      rule: 'no_baseline',
    },
  ])('$name → $decision ($rule)', ({ observation, decision, rule }) => {
    const verdict = judgeCanary(observation);
    expect({ decision: verdict.decision, rule: verdict.rule }).toEqual({ decision, rule });
    expect(verdict.reason.length).toBeGreaterThan(0);
  });

  it('records sample sizes, the effect and its confidence, and survives JSON', () => {
    const verdict = judgeCanary(observe(intervals(3, { requests: 300, errors: 18 }, { requests: 300, errors: 3 })));
    expect(verdict.samples).toEqual({ newRequests: 900, stableRequests: 900, newErrors: 54, stableErrors: 9 });
    expect(verdict.errorRate.newRate).toBeCloseTo(0.06);
    expect(verdict.errorRate.stableRate).toBeCloseTo(0.01);
    expect(verdict.errorRate.confidence).toBeGreaterThan(0.95);
    expect(verdict.baseline).toBe('concurrent');
    expect(verdict.latency?.ratio).toBeCloseTo(1, 1);
    expect(JSON.parse(JSON.stringify(verdict))).toEqual(verdict);
    expect(judgeCanary(observe([])).errorRate.differenceUpperBound).toBeNull();
  });

  it('holds to the absolute floor even when the test is confident', () => {
    const verdict = judgeCanary(observe(intervals(10, { requests: 10_000, errors: 550 }, { requests: 10_000, errors: 500 })));
    expect(verdict.errorRate.confidence).toBeGreaterThan(0.95);
    expect(verdict.decision).not.toBe('rollback');
  });

  it('never rolls back on 1 error against 0, however many requests either side had', () => {
    for (const newRequests of [1, 10, 100, 1000, 10_000]) {
      for (const stableRequests of [1, 100, 10_000, 1_000_000]) {
        const observation = observe(intervals(1, { requests: newRequests, errors: 1 }, { requests: stableRequests, errors: 0 }));
        expect(judgeCanary(observation).decision).not.toBe('rollback');
      }
    }
  });

  it('says the baseline was from before the deploy', () => {
    const verdict = judgeCanary(observe(intervals(1, healthy, null), { baselineFromBefore: figures({ requests: 3000, errors: 30 }) }));
    expect(verdict.baseline).toBe('before');
    expect(verdict.samples.stableRequests).toBe(3000);
  });

  it('takes settings: a shorter watch promotes earlier', () => {
    const observation = observe(intervals(5, { requests: 2000, errors: 20 }));
    expect(judgeCanary(observation).decision).toBe('continue');
    expect(judgeCanary(observation, { ...defaultJudgeSettings, watchMs: 5 * minute }).decision).toBe('promote');
  });

  it('is deterministic', () => {
    const observation = observe(intervals(10, healthy));
    expect(judgeCanary(observation)).toEqual(judgeCanary(observation));
  });
});
