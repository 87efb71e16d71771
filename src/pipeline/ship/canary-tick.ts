import type { ReleaseTraffic, TrafficReading } from '../../deploy/deployer.ts';
import type { CanaryInterval, CanaryObservation, ReleaseInterval } from '../../deploy/judge/canary-observation.ts';
import type { CanaryVerdict } from '../../deploy/judge/canary-verdict.ts';
import { judgeCanary } from '../../deploy/judge/judge-canary.ts';
import { emptyHistogram, subtractHistograms } from '../../deploy/latency-histogram.ts';
import { deploymentRecord, planOf, shippingSetup } from './deployment-record.ts';
import { promoteDeployment, rollBackDeployment } from './deployment-endings.ts';
import { stepAt } from './deployment-plan.ts';
import type { DeploymentIntervalRow, DeploymentRow } from './deployment-store.ts';
import type { ShipContext } from './ship-context.ts';

/**
 * The `deploy.tick` job, once per interval of a canary: read what the target counted per release
 * since the last tick, check the new release's health, ask the ingest for each release's error
 * groups, and let the judge decide on everything seen since the canary began. The interval and
 * its verdict are stored (a replayed tick finds its interval and does not judge twice), then the
 * decision is carried out: roll back, promote, hand to a person, or shift to the next traffic
 * step and wait for the next interval.
 */
export async function judgeInterval(context: ShipContext, deploymentId: string): Promise<void> {
  const row = await context.deployments.get(deploymentId);
  if (row.status !== 'canary' || !row.canaryStartedAt) return;
  const plan = planOf(row);
  const { target, repo } = await shippingSetup(context, row);
  const record = deploymentRecord(row);
  const stored = await context.deployments.intervals(row.id);
  const seq = (stored.at(-1)?.seq ?? 0) + 1;
  const now = context.now();
  // A second chain of ticks (a recovery tick after a restart, a replayed job) finds the interval
  // just judged and ends, so one chain is left and each interval is judged once.
  const last = stored.at(-1);
  if (last && now - last.endsAt.getTime() < plan.intervalMs / 2) return;
  const elapsedMs = Math.max(0, now - row.canaryStartedAt.getTime());

  const reading = (await target.traffic?.(row.environment)) ?? undefined;
  const previousReading = (row.counters ?? undefined) as TrafficReading | undefined;
  const health = await target.health(record.release);
  const newRelease: ReleaseInterval = {
    ...figuresBetween(reading, previousReading, row.commit),
    healthChecks: [health.healthy],
    ...(health.exited ? { exited: { code: null, signal: null, detail: health.detail } } : {}),
  };
  const stableRelease = row.previousCommit && reading ? figuresBetween(reading, previousReading, row.previousCommit) : undefined;
  const interval: CanaryInterval = { endsAtMs: elapsedMs, newRelease, ...(stableRelease ? { stableRelease: { ...stableRelease, healthChecks: [] } } : {}) };

  const query = { repoId: repo.id, environment: row.environment };
  const since = row.canaryStartedAt;
  const observation: CanaryObservation = {
    intervals: [...stored.map(storedInterval), interval],
    errors: {
      newRelease: await context.releaseErrors.fingerprints({ ...query, release: row.commit, since }),
      stableRelease: row.previousCommit ? await context.releaseErrors.fingerprints({ ...query, release: row.previousCommit, since }) : [],
      knownBefore: row.previousCommit ? await context.releaseErrors.knownBefore({ ...query, release: row.previousCommit, before: since }) : [],
    },
  };
  const verdict = explainFirstRelease(judgeCanary(observation, plan.judge), row, reading);
  const fresh = await context.deployments.recordInterval({
    deploymentId: row.id,
    seq,
    endsAt: new Date(now),
    elapsedMs,
    trafficPercent: row.trafficPercent,
    newRelease: newRelease as never,
    stableRelease: (stableRelease ?? null) as never,
    verdict: verdict as never,
  });
  if (!fresh) return;
  await context.deployments.update(row.id, { counters: (reading ?? null) as never, verdict: verdict as never }, 'mender', {
    type: 'deployment.judged',
    data: { seq, decision: verdict.decision, rule: verdict.rule, reason: verdict.reason, samples: verdict.samples },
  });
  await carryOut(context, row, verdict, seq, elapsedMs);
}

async function carryOut(context: ShipContext, row: DeploymentRow, verdict: CanaryVerdict, seq: number, elapsedMs: number): Promise<void> {
  const plan = planOf(row);
  const nextTick = { name: 'deploy.tick' as const, delayMs: plan.intervalMs, key: `deploy-tick:${row.id}:${seq + 1}` };
  if (verdict.decision === 'rollback') return rollBackDeployment(context, row, 'mender', { verdict, reason: verdict.reason });
  // Paused: the judge still rolls back, but nothing moves forward until a person resumes.
  if (row.paused) {
    await context.deployments.update(row.id, {}, 'mender', undefined, nextTick);
    return;
  }
  if (verdict.decision === 'promote') return promoteDeployment(context, row, 'mender', { verdict, reason: verdict.reason });
  if (verdict.decision === 'inconclusive') {
    // While a person decides, the new release gets only the first step's share, as at the start.
    const percent = plan.trafficSteps[0]!;
    const { target } = await shippingSetup(context, row);
    const splits = Boolean(row.previousCommit) && target.canSplitTraffic;
    const shifted = splits ? await target.shiftTraffic(deploymentRecord(row), percent) : { ok: false as const };
    await context.deployments.transition(row.id, {
      from: ['canary'],
      to: 'inconclusive',
      actor: 'mender',
      patch: { reason: verdict.reason, ...(shifted.ok ? { trafficPercent: percent, step: 0 } : {}) },
      event: {
        type: 'deployment.inconclusive',
        data: { rule: verdict.rule, reason: verdict.reason, samples: verdict.samples, trafficPercent: shifted.ok ? percent : row.trafficPercent },
      },
    });
    return;
  }
  const step = stepAt(plan, elapsedMs);
  const { target } = await shippingSetup(context, row);
  if (step > row.step && row.previousCommit && target.canSplitTraffic) {
    const percent = plan.trafficSteps[step]!;
    const shifted = await target.shiftTraffic(deploymentRecord(row), percent);
    if (!shifted.ok)
      return rollBackDeployment(context, row, 'mender', { verdict, reason: `shifting traffic to ${percent} % failed: ${shifted.error.message}` });
    await context.deployments.update(
      row.id,
      { step, trafficPercent: percent },
      'mender',
      { type: 'deployment.traffic_shifted', data: { from: row.trafficPercent, to: percent, step } },
      nextTick,
    );
    return;
  }
  await context.deployments.update(row.id, {}, 'mender', undefined, nextTick);
}

/**
 * With nothing to compare against (an environment's first release, or a target that counts no
 * traffic) the judge can only say `no_baseline` at the end of the watch. The hard signals were
 * watched throughout; if none fired, the release is promoted, and the verdict says on what.
 */
function explainFirstRelease(verdict: CanaryVerdict, row: DeploymentRow, reading: TrafficReading | undefined): CanaryVerdict {
  if (verdict.decision !== 'inconclusive' || verdict.rule !== 'no_baseline') return verdict;
  if (row.previousCommit && reading) return verdict;
  const why = row.previousCommit ? 'the target counts no traffic' : `this is the first release of ${row.environment}`;
  return {
    ...verdict,
    decision: 'promote',
    rule: 'watch_passed',
    reason: `${why}: judged on health checks and error groups only, and none fired during the watch`,
  };
}

/** One release's figures between two readings of the same counters; a new counter source starts from zero. */
function figuresBetween(
  later: TrafficReading | undefined,
  earlier: TrafficReading | undefined,
  commit: string,
): { requests: number; serverErrors: number; latency: ReleaseTraffic['latency'] } {
  const now = later?.releases[commit];
  if (!now) return { requests: 0, serverErrors: 0, latency: emptyHistogram() };
  const before = earlier && earlier.source === later.source ? earlier.releases[commit] : undefined;
  if (!before) return { requests: now.requests, serverErrors: now.serverErrors, latency: now.latency };
  return {
    requests: now.requests - before.requests,
    serverErrors: now.serverErrors - before.serverErrors,
    latency: subtractHistograms(now.latency, before.latency),
  };
}

function storedInterval(row: DeploymentIntervalRow): CanaryInterval {
  const stable = row.stableRelease as unknown as ReleaseInterval | null;
  return {
    endsAtMs: row.elapsedMs,
    newRelease: row.newRelease as unknown as ReleaseInterval,
    ...(stable ? { stableRelease: { ...stable, healthChecks: stable.healthChecks ?? [] } } : {}),
  };
}
