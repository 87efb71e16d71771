import type { JobQueue } from '../../queue/job-queue.ts';
import type { ApprovalLevel } from '../../domain/approval-level.ts';
import { deploymentActions, type DeploymentAction, type DeploymentStatus } from '../../domain/deployment-vocabulary.ts';
import type { Actor } from '../../domain/roles.ts';
import { parseDeploySettings } from '../../deploy/deploy-settings.ts';
import { mayApprove } from '../../safety/approval-authority.ts';
import { ForbiddenError, InvalidTransitionError } from '../pipeline-errors.ts';
import type { DeliveryOutcome, DeliveryPort } from '../pipeline-ports.ts';
import { judgeInterval } from './canary-tick.ts';
import { planOf } from './deployment-record.ts';
import { promoteDeployment, rollBackDeployment } from './deployment-endings.ts';
import type { DeploymentRow } from './deployment-store.ts';
import { requestDeployment, type DeploymentRequest } from './request-deployment.ts';
import type { ShipContext } from './ship-context.ts';
import { startRelease } from './start-release.ts';

/**
 * Ship and watch: deployments run as jobs of the `deploying` queue (`deploy.start`, then one
 * `deploy.tick` per canary interval, durable and delayed), so a restart of Mender picks each
 * canary up where its records are while the releases and the proxy go on serving. The methods
 * are the ways in: after a merge, and a person's request or decision.
 */
export class DeployRunner implements DeliveryPort {
  constructor(
    private readonly context: ShipContext,
    private readonly queue: JobQueue,
  ) {}

  /** Takes the `deploying` queue, then gives every canary a tick in case its chain of ticks was lost. */
  async start(concurrency = 2): Promise<void> {
    this.queue.process('deploying', concurrency, async (job, signal) => {
      const id = String(job.payload.deploymentId);
      if (job.name === 'deploy.start') {
        try {
          await startRelease(this.context, id, signal);
        } catch (error) {
          this.context.log.warn(`deployment ${id}: starting failed (attempt ${job.attempt} of ${job.maxAttempts}): ${(error as Error).message}`);
          throw error;
        }
        return;
      }
      await this.tick(id);
    });
    for (const row of await this.context.deployments.list({ status: 'canary' }, 1_000)) {
      await this.context.deployments.update(row.id, {}, 'mender', undefined, {
        name: 'deploy.tick',
        delayMs: planOf(row).intervalMs,
        key: `deploy-tick:${row.id}:recover`,
      });
    }
  }

  /**
   * One interval. A tick that fails (the proxy did not answer, the database was busy) is recorded
   * and the next interval comes anyway: a canary whose ticks stopped would hold its traffic split
   * with nobody judging it.
   */
  private async tick(id: string): Promise<void> {
    try {
      await judgeInterval(this.context, id);
    } catch (error) {
      const message = (error as Error).message;
      this.context.log.warn(`deployment ${id}: judging an interval failed: ${message}`);
      const row = await this.context.deployments.get(id);
      if (row.status !== 'canary') return;
      await this.context.deployments.update(
        row.id,
        {},
        'mender',
        { type: 'deployment.tick_failed', data: { reason: message.slice(0, 500) } },
        {
          name: 'deploy.tick',
          delayMs: planOf(row).intervalMs,
          key: `deploy-tick:${row.id}:after-failure-${Date.now()}`,
        },
      );
    }
  }

  request(request: DeploymentRequest): Promise<DeploymentRow> {
    return requestDeployment(this.context, request);
  }

  /** After a merge: ships the merged commit to the first environment when the repository deploys on merge. */
  async afterMerge(operationId: string): Promise<DeliveryOutcome> {
    const operation = await this.context.operations.get(operationId);
    const repo = await this.context.repos.byId(operation.repoId);
    if (!repo?.deploy) return { shipping: false, reason: 'not configured' };
    const settings = parseDeploySettings(repo.deploy);
    if (!settings.onMerge) return { shipping: false, reason: 'deploys only when asked (onMerge: false)' };
    // The operation moves first, so the start job never finds it still `merged`.
    await this.context.operations.transition(operationId, {
      from: ['merged'],
      to: 'deploying',
      actor: 'mender',
      event: { type: 'deployment.shipping', data: { environment: settings.environments[0]!.name } },
    });
    try {
      const deployment = await requestDeployment(this.context, {
        repo: repo.name,
        environment: settings.environments[0]!.name,
        commit: operation.mergeCommit ?? undefined,
        operation: { ...operation, status: 'deploying' },
        actor: 'mender',
      });
      return { shipping: true, deploymentId: deployment.id };
    } catch (error) {
      const reason = `not deployed: ${(error as Error).message}`;
      await this.context.operations.transition(operationId, {
        from: ['deploying'],
        to: 'done',
        actor: 'mender',
        event: { type: 'operation.done', data: { deployment: reason } },
      });
      return { shipping: true, deploymentId: null, reason };
    }
  }

  async approve(id: string, actor: Actor, comment?: string): Promise<DeploymentRow> {
    const row = await this.actionable(id, 'approve');
    const approval = (row.approval ?? {}) as { level?: ApprovalLevel; gate?: string };
    const verdict = mayApprove(actor, approval.level ?? 'team-lead', row.createdBy, this.context.settings.twoPersonRule && row.createdBy !== 'mender');
    if (!verdict.ok) throw new ForbiddenError(verdict.reason);
    return this.context.deployments.transition(id, {
      from: ['awaiting_approval'],
      to: 'starting',
      actor: actor.name,
      event: { type: 'deployment.approved', data: { gate: approval.gate ?? 'deploy', role: actor.role, comment: comment ?? null } },
      job: { name: 'deploy.start' },
    });
  }

  /** A person promotes now, whatever the judge would say (e.g. an inconclusive canary they checked). */
  async promote(id: string, actor: Actor, comment?: string): Promise<DeploymentRow> {
    const row = await this.actionable(id, 'promote');
    await promoteDeployment(this.context, row, actor.name, { reason: `promoted by ${actor.name}${comment ? `: ${comment}` : ''}` });
    return this.context.deployments.get(id);
  }

  async rollback(id: string, actor: Actor, comment?: string): Promise<DeploymentRow> {
    const row = await this.actionable(id, 'rollback');
    await rollBackDeployment(this.context, row, actor.name, { reason: `rolled back by ${actor.name}${comment ? `: ${comment}` : ''}` });
    return this.context.deployments.get(id);
  }

  /** Holds the canary at its traffic step: it is still judged (and rolled back), never advanced or promoted. */
  async pause(id: string, actor: Actor): Promise<DeploymentRow> {
    const row = await this.actionable(id, 'pause');
    if (row.paused) throw new InvalidTransitionError(`deployment ${id} is already paused`);
    return this.context.deployments.update(id, { paused: true }, actor.name, { type: 'deployment.paused', data: { trafficPercent: row.trafficPercent } });
  }

  /** Lets a paused canary go on; an inconclusive one is watched for one more window. */
  async resume(id: string, actor: Actor): Promise<DeploymentRow> {
    const row = await this.actionable(id, 'resume');
    const plan = planOf(row);
    if (row.status === 'inconclusive') {
      const watchMs = Math.max(plan.judge.watchMs, this.context.now() - (row.canaryStartedAt?.getTime() ?? this.context.now())) + plan.judge.watchMs;
      return this.context.deployments.transition(id, {
        from: ['inconclusive'],
        to: 'canary',
        actor: actor.name,
        patch: { paused: false, plan: { ...plan, judge: { ...plan.judge, watchMs } } as never },
        event: { type: 'deployment.extended', data: { watchMs } },
        job: { name: 'deploy.tick', delayMs: plan.intervalMs, key: `deploy-tick:${id}:extended-${watchMs}` },
      });
    }
    if (!row.paused) throw new InvalidTransitionError(`deployment ${id} is not paused`);
    return this.context.deployments.update(id, { paused: false }, actor.name, { type: 'deployment.resumed', data: {} });
  }

  async cancel(id: string, actor: Actor, comment?: string): Promise<DeploymentRow> {
    await this.actionable(id, 'cancel');
    return this.context.deployments.transition(id, {
      from: ['awaiting_approval'],
      to: 'cancelled',
      actor: actor.name,
      patch: { finishedAt: new Date(this.context.now()), reason: `cancelled by ${actor.name}${comment ? `: ${comment}` : ''}` },
      event: { type: 'deployment.cancelled', data: { comment: comment ?? null } },
    });
  }

  private async actionable(id: string, action: DeploymentAction): Promise<DeploymentRow> {
    const row = await this.context.deployments.get(id);
    const allowed = deploymentActions[action] as readonly DeploymentStatus[];
    if (!allowed.includes(row.status as DeploymentStatus)) {
      throw new InvalidTransitionError(`deployment ${id} is ${row.status}; ${action} needs it to be ${allowed.join(' or ')}`);
    }
    return row;
  }
}
