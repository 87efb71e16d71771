import type { CanaryVerdict } from '../../deploy/judge/canary-verdict.ts';
import type { DeploymentStatus } from '../../domain/deployment-vocabulary.ts';
import { openRevert } from '../open-revert.ts';
import { InvalidTransitionError } from '../pipeline-errors.ts';
import { deploymentRecord, planOf, shippingSetup } from './deployment-record.ts';
import type { DeploymentRow } from './deployment-store.ts';
import { requestDeployment } from './request-deployment.ts';
import type { ShipContext } from './ship-context.ts';

// How a deployment ends, and what follows for the operation whose change it ships: promoted → the
// next environment (through the promote gate) or, in the last one, the operation is done; rolled
// back or failed → traffic back on the stable release, the operation ends, and a revert of the
// merged change is opened as a change request for a person or the policy to approve.

/** Makes the canary the stable release, then ships it on or ends the operation. */
export async function promoteDeployment(
  context: ShipContext,
  row: DeploymentRow,
  actor: string,
  why: { verdict?: CanaryVerdict; reason: string },
): Promise<void> {
  const { target, repo } = await shippingSetup(context, row);
  const promoted = await target.promote(deploymentRecord(row));
  // The job retries: the new release keeps its share meanwhile, never half-promoted in the records.
  if (!promoted.ok) throw new Error(`promoting ${row.environment} failed: ${promoted.error.message}`);
  await context.deployments.transition(row.id, {
    from: ['canary', 'inconclusive'],
    to: 'promoted',
    actor,
    patch: { trafficPercent: 100, finishedAt: new Date(context.now()), reason: why.reason, ...(why.verdict ? { verdict: why.verdict as never } : {}) },
    event: { type: 'deployment.promoted', data: { reason: why.reason, rule: why.verdict?.rule ?? 'by_person', repo: repo.name } },
  });
  const next = planOf(row).nextEnvironment;
  const operation = row.operationId ? await context.operations.get(row.operationId) : undefined;
  if (next) {
    try {
      await requestDeployment(context, { repo: repo.name, environment: next, commit: row.commit, operation, gate: 'promote', actor: 'mender' });
    } catch (error) {
      // Another deployment holds the next environment, or its settings changed: a person picks it up.
      context.log.warn(`deployment ${row.id}: not shipped on to ${next}: ${(error as Error).message}`);
      if (operation)
        await context.operations.event(operation.id, 'mender', {
          type: 'deployment.not_shipped_on',
          data: { deploymentId: row.id, environment: next, reason: (error as Error).message },
        });
    }
    // The next environment's deployment moves the operation on (to `monitoring` in the last one).
    return;
  }
  if (operation && (operation.status === 'deploying' || operation.status === 'monitoring')) {
    await context.operations.transition(operation.id, {
      from: ['deploying', 'monitoring'],
      to: 'done',
      actor: 'mender',
      event: { type: 'operation.done', data: { deploymentId: row.id, environment: row.environment, commit: row.commit } },
    });
  }
}

/** Puts all traffic back on the stable release, stops the new one and ends the deployment `rolled_back`. */
export async function rollBackDeployment(
  context: ShipContext,
  row: DeploymentRow,
  actor: string,
  why: { verdict?: CanaryVerdict; reason: string },
): Promise<void> {
  const { target, repo } = await shippingSetup(context, row);
  if (row.previousCommit) {
    const rolledBack = await target.rollBack(deploymentRecord(row), why.reason);
    if (!rolledBack.ok) throw new Error(`rolling ${row.environment} back failed: ${rolledBack.error.message}`);
  }
  const from: DeploymentStatus[] = ['canary', 'inconclusive', 'promoted'];
  await context.deployments.transition(row.id, {
    from,
    to: 'rolled_back',
    actor,
    patch: { trafficPercent: 0, finishedAt: new Date(context.now()), reason: why.reason, ...(why.verdict ? { verdict: why.verdict as never } : {}) },
    event: {
      type: 'deployment.rolled_back',
      data: {
        repo: repo.name,
        reason: why.reason,
        rule: why.verdict?.rule ?? 'by_person',
        samples: why.verdict?.samples ?? null,
        stableCommit: row.previousCommit,
      },
    },
  });
  await endOperation(context, row, 'rolled_back', why.reason);
}

/** A release that never served (it did not start, or failed its smoke checks): stable untouched. */
export async function failDeployment(context: ShipContext, row: DeploymentRow, reason: string, outputTail?: string): Promise<void> {
  const { target, repo } = await shippingSetup(context, row);
  // Stop what did start; the stable release keeps all traffic (an environment's first release has none to keep).
  if (row.previousCommit) await target.rollBack(deploymentRecord(row), reason);
  await context.deployments.transition(row.id, {
    from: ['starting', 'smoke'],
    to: 'failed',
    actor: 'mender',
    patch: { finishedAt: new Date(context.now()), reason, outputTail: outputTail ?? null, trafficPercent: 0 },
    event: { type: 'deployment.failed', data: { repo: repo.name, phase: row.status, reason, outputTail: outputTail?.slice(-2_000) ?? null } },
  });
  await endOperation(context, row, 'failed', reason);
}

/** The shipping operation ends with its deployment, and a revert of its merged change is opened. */
async function endOperation(context: ShipContext, row: DeploymentRow, how: 'rolled_back' | 'failed', reason: string): Promise<void> {
  if (!row.operationId) return;
  const operation = await context.operations.get(row.operationId);
  if (operation.status !== 'deploying' && operation.status !== 'monitoring') return;
  const sentence = `its release was ${how === 'rolled_back' ? 'rolled back' : 'not started'} in ${row.environment}: ${reason}`;
  await context.operations.transition(operation.id, {
    from: ['deploying', 'monitoring'],
    to: how,
    actor: 'mender',
    patch: { failureReason: sentence.slice(0, 2_000) },
    event: { type: how === 'rolled_back' ? 'operation.rolled_back' : 'operation.failed', data: { deploymentId: row.id, environment: row.environment, reason } },
  });
  try {
    const revert = await openRevert(context.operations, operation, 'mender', `Mender rolled back deployment ${row.id}: ${reason}`);
    await context.deployments.update(row.id, {}, 'mender', { type: 'deployment.revert_opened', data: { revertOperationId: revert.id } });
  } catch (error) {
    if (!(error instanceof InvalidTransitionError)) throw error;
  }
}
