import type { DeploymentRecord } from '../../deploy/deployment.ts';
import type { Deployer } from '../../deploy/deployer.ts';
import { parseDeploySettings, type DeploySettings } from '../../deploy/deploy-settings.ts';
import type { DeploymentStatus } from '../../domain/deployment-vocabulary.ts';
import type { RepoRow } from '../../store/repo-store.ts';
import { NotFoundError, OperationFailure } from '../pipeline-errors.ts';
import type { DeploymentPlan } from './deployment-plan.ts';
import type { DeploymentRow } from './deployment-store.ts';
import type { ShipContext } from './ship-context.ts';

/** What a deploy target is told about a deployment row. */
export function deploymentRecord(row: DeploymentRow): DeploymentRecord {
  return {
    id: row.id,
    release: { repoId: row.repoId, environment: row.environment, commit: row.commit },
    ...(row.previousCommit ? { previous: { repoId: row.repoId, environment: row.environment, commit: row.previousCommit } } : {}),
    target: row.target,
    ...(row.operationId ? { operationId: row.operationId } : {}),
    status: row.status as DeploymentStatus,
    trafficPercent: row.trafficPercent,
    startedAt: row.createdAt,
    ...(row.finishedAt ? { finishedAt: row.finishedAt } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
  };
}

export function planOf(row: DeploymentRow): DeploymentPlan {
  return row.plan as unknown as DeploymentPlan;
}

/** The repository a deployment ships, its settings and the deploy target of its environment. */
export async function shippingSetup(context: ShipContext, row: DeploymentRow): Promise<{ repo: RepoRow; settings: DeploySettings; target: Deployer }> {
  const repo = await context.repos.byId(row.repoId);
  if (!repo) throw new NotFoundError(`repository ${row.repoId} of deployment ${row.id} is no longer registered`);
  if (!repo.deploy) throw new OperationFailure(`repository ${repo.name} no longer has deploy settings; deployment ${row.id} cannot go on`);
  const settings = parseDeploySettings(repo.deploy);
  return { repo, settings, target: context.targets.targetFor(repo, settings, row.environment) };
}
