import { parseDeploySettings } from '../../deploy/deploy-settings.ts';
import { runGit } from '../../workspace/git.ts';
import type { OperationRow } from '../operation-store.ts';
import { InvalidRequestError, NotFoundError } from '../pipeline-errors.ts';
import { decideDeployGate } from './deploy-gate.ts';
import { planDeployment } from './deployment-plan.ts';
import type { DeploymentRow } from './deployment-store.ts';
import type { ShipContext } from './ship-context.ts';

export interface DeploymentRequest {
  repo: string;
  environment: string;
  /** A commit, branch or tag of the repository; default the head of its default branch. */
  commit?: string;
  /** The operation whose merged change this ships. */
  operation?: OperationRow;
  /** `promote`: a release that passed the previous environment; `deploy`: anything else. */
  gate?: 'deploy' | 'promote';
  actor: string;
}

const commitPattern = /^[0-9A-Za-z._/-]{1,200}$/;

/**
 * Checks a deploy request (the repository, its deploy settings, the environment and the commit),
 * takes the deploy or promote gate, and writes the deployment: waiting for a person, or with its
 * start job. Nothing is written when anything is wrong; a second active deployment in the
 * environment is refused by the store (409).
 */
export async function requestDeployment(context: ShipContext, request: DeploymentRequest): Promise<DeploymentRow> {
  const repo = await context.repos.byName(request.repo);
  if (!repo) throw new NotFoundError(`repository "${request.repo}" is not registered: list them with \`mender repo list\``);
  if (!repo.deploy) {
    throw new InvalidRequestError(
      `repository ${repo.name} has no deploy settings: give it some with \`mender repo deploy ${repo.name} --start-command …\` or PATCH /api/repos/${repo.name}`,
      'repo',
    );
  }
  const settings = parseDeploySettings(repo.deploy);
  const environment = settings.environments.find((candidate) => candidate.name === request.environment);
  if (!environment) {
    throw new InvalidRequestError(
      `repository ${repo.name} has no environment "${request.environment}" (it has ${settings.environments.map((candidate) => candidate.name).join(', ')})`,
      'environment',
    );
  }
  const commit = await resolveCommit(repo.path, request.commit ?? `refs/heads/${repo.defaultBranch}`);
  const target = context.targets.targetFor(repo, settings, environment.name);
  const previousCommit =
    (await context.deployments.lastPromoted(repo.id, environment.name))?.commit ?? (await target.current(repo.id, environment.name))?.commit ?? null;
  if (previousCommit === commit) {
    throw new InvalidRequestError(`commit ${commit.slice(0, 12)} is already the stable release of ${environment.name}`, 'commit');
  }
  const gate = await decideDeployGate(context, request.gate ?? 'deploy', { repoId: repo.id, environment: environment.name, operation: request.operation });
  const values = {
    repoId: repo.id,
    environment: environment.name,
    commit,
    previousCommit,
    target: target.id,
    operationId: request.operation?.id ?? null,
    plan: planDeployment(settings, environment) as unknown as Record<string, unknown>,
    createdBy: request.actor,
  };
  const eventData = { repo: repo.name, previousCommit, policy: gate.policy };
  if (gate.pass) {
    return context.deployments.create(
      { ...values, status: 'starting' },
      request.actor,
      { type: 'deployment.requested', data: eventData },
      { name: 'deploy.start' },
    );
  }
  return context.deployments.create(
    { ...values, status: 'awaiting_approval', approval: { gate: gate.gate, level: gate.level, rule: gate.rule, reason: gate.reason } },
    request.actor,
    { type: 'deployment.approval_requested', data: { ...eventData, level: gate.level, reason: gate.reason } },
  );
}

/** The full commit a name stands for in the repository; a 400 naming it when there is none. */
async function resolveCommit(repoPath: string, name: string): Promise<string> {
  if (!commitPattern.test(name) || name.startsWith('-')) {
    throw new InvalidRequestError(`"${name.slice(0, 80)}" is not a commit name: give a commit SHA, a branch or a tag`, 'commit');
  }
  const resolved = await runGit(repoPath, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${name}^{commit}`], { allowFailure: true });
  if (resolved.exitCode !== 0) throw new InvalidRequestError(`commit "${name}" is not in the repository`, 'commit');
  return resolved.stdout.trim();
}
