import { buildCommandEnvironment, runCommand } from '../../workspace/command-runner.ts';
import type { Deployer } from '../../deploy/deployer.ts';
import { deploymentRecord, planOf, shippingSetup } from './deployment-record.ts';
import { failDeployment } from './deployment-endings.ts';
import type { DeploymentRow } from './deployment-store.ts';
import type { ShipContext } from './ship-context.ts';
import type { RepoRow } from '../../store/repo-store.ts';

const smokeTimeoutMs = 5 * 60_000;
const outputLimitBytes = 16_000;

/**
 * The `deploy.start` job: start the release, check it (health path, the repository's smoke
 * command), then open the canary at the first traffic step with the first interval's job. Each
 * phase is a status, so a job replayed after a crash goes on from where the records are: a
 * release that already answers its health path is not started twice.
 */
export async function startRelease(context: ShipContext, deploymentId: string, signal: AbortSignal): Promise<void> {
  let row = await context.deployments.get(deploymentId);
  if (row.status !== 'starting' && row.status !== 'smoke') return;
  const { repo, target } = await shippingSetup(context, row);
  const record = deploymentRecord(row);
  if (row.status === 'starting') {
    const already = await target.health(record.release);
    if (!already.healthy) {
      const started = await target.deploy(record, signal);
      if (!started.ok) return failDeployment(context, row, `the release did not start: ${started.error.message}`, started.error.outputTail);
    }
    row = await context.deployments.transition(row.id, {
      from: ['starting'],
      to: 'smoke',
      actor: 'mender',
      event: { type: 'deployment.started', data: { target: target.id } },
    });
    await moveOperationOn(context, row);
  }
  const smoke = await smokeCheck(target, repo, row, signal);
  if (!smoke.ok) return failDeployment(context, row, smoke.reason, smoke.outputTail);
  await openCanary(context, target, row);
}

async function smokeCheck(
  target: Deployer,
  repo: RepoRow,
  row: DeploymentRow,
  signal: AbortSignal,
): Promise<{ ok: true } | { ok: false; reason: string; outputTail?: string }> {
  const record = deploymentRecord(row);
  const health = await target.health(record.release);
  if (!health.healthy) return { ok: false, reason: `the smoke check failed: ${health.detail ?? 'the release is not healthy'}` };
  const { smokeCommand } = planOf(row);
  if (!smokeCommand) return { ok: true };
  const url = target.releaseUrl?.(record.release) ?? '';
  const result = await runCommand(smokeCommand, {
    cwd: repo.path,
    env: buildCommandEnvironment({ MENDER_RELEASE_URL: url, MENDER_COMMIT: row.commit, MENDER_ENVIRONMENT: row.environment }),
    timeoutMs: smokeTimeoutMs,
    outputLimitBytes,
    signal,
  });
  if (result.exitCode === 0) return { ok: true };
  const how = result.timedOut ? 'timed out' : `exited ${result.exitCode ?? result.signal}`;
  return { ok: false, reason: `the smoke command ${how}`, outputTail: result.output.slice(-4_000) };
}

/** The first traffic step, the counters it is measured from, and the first interval's job. */
async function openCanary(context: ShipContext, target: Deployer, row: DeploymentRow): Promise<void> {
  const plan = planOf(row);
  // An environment's first release already takes all traffic: there is nothing to share it with;
  // a target that cannot split traffic sent all of it to the new release when it deployed it.
  const splits = Boolean(row.previousCommit) && target.canSplitTraffic;
  const percent = splits ? plan.trafficSteps[0]! : 100;
  if (splits) {
    const shifted = await target.shiftTraffic(deploymentRecord(row), percent);
    if (!shifted.ok) return failDeployment(context, row, `the first traffic step failed: ${shifted.error.message}`);
  }
  const counters = (await target.traffic?.(row.environment)) ?? null;
  await context.deployments.transition(row.id, {
    from: ['smoke'],
    to: 'canary',
    actor: 'mender',
    patch: { canaryStartedAt: new Date(context.now()), trafficPercent: percent, step: 0, counters: counters as never },
    event: { type: 'deployment.canary_started', data: { trafficPercent: percent, watchMs: plan.judge.watchMs, intervalMs: plan.intervalMs } },
    job: { name: 'deploy.tick', delayMs: plan.intervalMs, key: `deploy-tick:${row.id}:1` },
  });
}

/** The operation is `deploying` from its first release on, and `monitoring` once its release is in the last environment. */
async function moveOperationOn(context: ShipContext, row: DeploymentRow): Promise<void> {
  if (!row.operationId) return;
  const operation = await context.operations.get(row.operationId);
  const last = planOf(row).nextEnvironment === null;
  if (operation.status === 'merged') {
    await context.operations.transition(operation.id, {
      from: ['merged'],
      to: last ? 'monitoring' : 'deploying',
      actor: 'mender',
      event: { type: 'deployment.shipping', data: { deploymentId: row.id, environment: row.environment } },
    });
  } else if (operation.status === 'deploying' && last) {
    await context.operations.transition(operation.id, {
      from: ['deploying'],
      to: 'monitoring',
      actor: 'mender',
      event: { type: 'deployment.watching', data: { deploymentId: row.id, environment: row.environment } },
    });
  }
}
