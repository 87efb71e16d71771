/**
 * Canary bench: simulated canaries through the same judge code (src/deploy/judge). A/A runs
 * (new and stable identical) at 0.2, 2 and 50 requests/s measure false rollbacks and promotions on
 * too little data; injected faults at 5 requests/s measure detection within the watch window and
 * the time to detect. Seeded: the same seed prints the same table. Never asserts.
 *
 *   node bin/run-ts.mjs bench/canary.ts      (BENCH_SEED changes the seed, BENCH_BASE_ERROR_RATE the
 *                                            base 5xx rate, BENCH_JUDGE the settings, as JSON)
 *
 * The model, stated: each release receives the given rate (a Poisson count per 1-minute interval),
 * 5xx at a base rate of 5 % per request (BENCH_BASE_ERROR_RATE), latencies log-normal (median 50 ms, σ 0.5),
 * a health check every 10 s that fails with probability 0.001, and ten existing error groups at
 * 0.1 % of requests each, from 1,000 users, known from before the deploy.
 */
import { judgeCanary } from '../src/deploy/judge/judge-canary.ts';
import type { CanaryInterval, CanaryObservation, FingerprintCount, ReleaseInterval } from '../src/deploy/judge/canary-observation.ts';
import type { CanaryVerdict } from '../src/deploy/judge/canary-verdict.ts';
import { judgeSettings } from '../src/deploy/judge/judge-settings.ts';
import { emptyHistogram, recordLatency } from '../src/deploy/latency-histogram.ts';
import { median, table } from './support/figures.ts';

const defaultBaseErrorRate = Number(process.env.BENCH_BASE_ERROR_RATE ?? 0.05);
const intervalMs = 60_000;
// BENCH_JUDGE: settings to try instead of the defaults, as JSON ({"errorRate":{"alpha":0.01}}).
const settings = judgeSettings(process.env.BENCH_JUDGE ? (JSON.parse(process.env.BENCH_JUDGE) as Parameters<typeof judgeSettings>[0]) : {});
const watchMs = settings.watchMs;

/** mulberry32: small, fast, and good enough for a simulation; seeded so runs repeat. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function poisson(random: () => number, mean: number): number {
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(random)));
  const limit = Math.exp(-mean);
  let count = 0;
  for (let product = random(); product > limit; product *= random()) count++;
  return count;
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

type Fault = 'none' | 'error rate x1.5' | 'new fingerprint' | 'health failing' | 'p95 x2';

interface ReleaseModel {
  errorRate: number;
  latencyFactor: number;
  /** Share of requests that raise the new error group (0 for none), from a pool of 200 users. */
  newErrorRate: number;
  /** The check index from which health checks fail, or Infinity. */
  unhealthyFromCheck: number;
}

/** Per release: fingerprint → (events, distinct users), across the whole canary. */
type Tally = Map<string, { events: number; users: Set<number> }>;

function simulateInterval(random: () => number, rate: number, model: ReleaseModel, index: number, tally: Tally): ReleaseInterval {
  const requests = poisson(random, (rate * intervalMs) / 1000);
  const latency = emptyHistogram();
  let serverErrors = 0;
  const note = (fingerprint: string, user: number) => {
    const entry = tally.get(fingerprint) ?? { events: 0, users: new Set<number>() };
    entry.events++;
    entry.users.add(user);
    tally.set(fingerprint, entry);
  };
  for (let request = 0; request < requests; request++) {
    if (random() < model.errorRate) serverErrors++;
    recordLatency(latency, 50 * model.latencyFactor * Math.exp(0.5 * gaussian(random)));
    if (random() < 0.01) note(`existing-${Math.floor(random() * 10)}`, Math.floor(random() * 1000));
    if (random() < model.newErrorRate) note('new-in-canary', Math.floor(random() * 200));
  }
  const healthChecks = Array.from({ length: 6 }, (_, check) => index * 6 + check < model.unhealthyFromCheck && random() >= 0.001);
  return { requests, serverErrors, latency, healthChecks };
}

const counts = (tally: Tally): FingerprintCount[] => [...tally].map(([fingerprint, entry]) => ({ fingerprint, events: entry.events, users: entry.users.size }));

/** One canary, judged every interval until a rollback or the end of the watch. */
function runCanary(seed: number, rate: number, fault: Fault, baseErrorRate = defaultBaseErrorRate, judge = settings): CanaryVerdict {
  const random = prng(seed);
  const stable: ReleaseModel = { errorRate: baseErrorRate, latencyFactor: 1, newErrorRate: 0, unhealthyFromCheck: Infinity };
  const candidate: ReleaseModel = {
    ...stable,
    errorRate: fault === 'error rate x1.5' ? baseErrorRate * 1.5 : baseErrorRate,
    latencyFactor: fault === 'p95 x2' ? 2 : 1,
    newErrorRate: fault === 'new fingerprint' ? 0.005 : 0,
    // The release turns unhealthy at a random moment in the first half of the watch (a leak, say).
    unhealthyFromCheck: fault === 'health failing' ? Math.floor(random() * 30) : Infinity,
  };
  const intervals: CanaryInterval[] = [];
  const newTally: Tally = new Map();
  const stableTally: Tally = new Map();
  const knownBefore = Array.from({ length: 10 }, (_, index) => `existing-${index}`);
  for (let index = 0; (index + 1) * intervalMs <= judge.watchMs; index++) {
    intervals.push({
      endsAtMs: (index + 1) * intervalMs,
      newRelease: simulateInterval(random, rate, candidate, index, newTally),
      stableRelease: simulateInterval(random, rate, stable, index, stableTally),
    });
    const observation: CanaryObservation = { intervals, errors: { newRelease: counts(newTally), stableRelease: counts(stableTally), knownBefore } };
    const verdict = judgeCanary(observation, judge);
    if (verdict.decision !== 'continue') return verdict;
  }
  throw new Error('the watch ended without a verdict');
}

const seed = Number(process.env.BENCH_SEED ?? 16);
const share = (part: number, whole: number) => `${((part / whole) * 100).toFixed(1)} %`;
const rows: string[][] = [];
const aaRuns = Number(process.env.BENCH_AA_RUNS ?? 200);
const summary: Record<string, unknown>[] = [];

for (const rate of [0.2, 2, 50]) {
  const verdicts = Array.from({ length: aaRuns }, (_, run) => runCanary(seed * 1_000_003 + run + rate * 7919, rate, 'none'));
  const rollbacks = verdicts.filter((verdict) => verdict.decision === 'rollback');
  const promoted = verdicts.filter((verdict) => verdict.decision === 'promote');
  const wronglyPromoted = promoted.filter((verdict) => verdict.samples.newRequests < settings.minNewRequests).length;
  const inconclusive = verdicts.filter((verdict) => verdict.decision === 'inconclusive').length;
  const rules = [...new Set(rollbacks.map((verdict) => verdict.rule))].join(', ') || '-';
  rows.push([
    `A/A ${rate} req/s`,
    String(aaRuns),
    share(rollbacks.length, aaRuns),
    String(wronglyPromoted),
    share(promoted.length, aaRuns),
    share(inconclusive, aaRuns),
    '',
    '',
    rules,
  ]);
  summary.push({ run: 'A/A', rate, falseRollbacks: rollbacks.length, wronglyPromoted, promoted: promoted.length, inconclusive });
}

for (const fault of ['error rate x1.5', 'new fingerprint', 'health failing', 'p95 x2'] as const) {
  const verdicts = Array.from({ length: 100 }, (_, run) => runCanary(seed * 7_000_003 + run + fault.length * 104_729, 5, fault));
  const { row, detected, medianMinutes, promoted } = faultRow(`${fault}, 5 req/s`, verdicts, true);
  rows.push(row);
  summary.push({ run: fault, rate: 5, detected: detected.length, medianMinutes, promoted });
}

/** A fault run's table row: how many runs rolled back, how soon (median), which rules fired, and how many were promoted. */
function faultRow(label: string, verdicts: CanaryVerdict[], withRules: boolean) {
  const detected = verdicts.filter((verdict) => verdict.decision === 'rollback');
  const medianMinutes = median(detected.map((verdict) => verdict.elapsedMs / 60_000));
  const promoted = verdicts.filter((verdict) => verdict.decision === 'promote').length;
  const rules = withRules ? [...new Set(detected.map((verdict) => verdict.rule))].join(', ') || '-' : '';
  const row = [
    label,
    String(verdicts.length),
    '',
    '',
    share(promoted, verdicts.length),
    '',
    share(detected.length, verdicts.length),
    Number.isFinite(medianMinutes) ? `${medianMinutes.toFixed(1)} min` : 'n/a',
    rules,
  ];
  return { row, detected, medianMinutes, promoted };
}

// How the error-rate figure depends on the stated base rate and on watching longer (what the
// pipeline does with an inconclusive verdict): the same judge, other inputs.
const variants: { label: string; baseErrorRate: number; judge: typeof settings }[] = [
  { label: 'base 2 %', baseErrorRate: 0.02, judge: settings },
  { label: 'base 10 %', baseErrorRate: 0.1, judge: settings },
  { label: `base ${defaultBaseErrorRate * 100} %, watch x2`, baseErrorRate: defaultBaseErrorRate, judge: { ...settings, watchMs: 2 * settings.watchMs } },
];
for (const variant of variants) {
  const verdicts = Array.from({ length: 100 }, (_, run) =>
    runCanary(seed * 7_000_003 + run + 15 * 104_729, 5, 'error rate x1.5', variant.baseErrorRate, variant.judge),
  );
  const { row, detected, medianMinutes, promoted } = faultRow(`  x1.5, ${variant.label}`, verdicts, false);
  rows.push(row);
  summary.push({ run: `error rate x1.5, ${variant.label}`, rate: 5, detected: detected.length, medianMinutes, promoted });
}

process.stdout.write(
  `canary judge, watch ${watchMs / 60_000} min in 1-minute intervals, base 5xx rate ${(defaultBaseErrorRate * 100).toFixed(1)} %, seed ${seed}\n\n` +
    `${table(['run', 'runs', 'false rollback', 'promoted < min', 'promoted', 'inconclusive', 'detected', 'median detect', 'rules fired'], rows)}\n\n` +
    'targets: false rollback ≤ 1 %, promoted on too little data 0, detection ≥ 95 %, median time to detect ≤ 10 min\n',
);
process.stdout.write(`${JSON.stringify({ bench: 'canary', seed, baseErrorRate: defaultBaseErrorRate, runs: summary })}\n`);
