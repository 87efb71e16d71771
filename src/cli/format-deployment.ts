import type { DeploymentDetailView, DeploymentIntervalView, DeploymentSummaryView } from '../domain/deployment-vocabulary.ts';

// How `mender deployments`, `mender deployment show` and `mender repo deploy` print.

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')).join('\n');
}

/** The list as a table, newest first. */
export function formatDeploymentTable(deployments: DeploymentSummaryView[]): string {
  if (deployments.length === 0) return 'no deployments';
  return table([
    ['ID', 'REPO', 'ENV', 'STATUS', 'TRAFFIC', 'COMMIT', 'CREATED', 'VERDICT'],
    ...deployments.map((deployment) => [
      deployment.id,
      deployment.repo,
      deployment.environment,
      `${deployment.status}${deployment.paused ? ' (paused)' : ''}`,
      `${deployment.trafficPercent}%`,
      deployment.commit.slice(0, 12),
      deployment.createdAt.slice(0, 16).replace('T', ' '),
      deployment.verdict ? `${deployment.verdict.decision} (${deployment.verdict.rule})` : '-',
    ]),
  ]);
}

function share(errors: number, requests: number): string {
  return requests > 0 ? `${((100 * errors) / requests).toFixed(1)} %` : '-';
}

function releaseFigures(release: { requests: number; serverErrors: number; p95Ms: number | null }): string {
  return `${release.requests} req, ${release.serverErrors} 5xx (${share(release.serverErrors, release.requests)}), p95 ${release.p95Ms === null ? '-' : `${release.p95Ms} ms`}`;
}

function intervalLine(interval: DeploymentIntervalView): string {
  const stable = interval.stableRelease ? releaseFigures(interval.stableRelease) : 'no figures';
  return [
    `  #${interval.seq} at +${Math.round(interval.elapsedMs / 1000)} s, traffic ${interval.trafficPercent} %: ${interval.verdict.decision} (${interval.verdict.rule}) ${interval.verdict.reason}`,
    `     new:    ${releaseFigures(interval.newRelease)}, health ${interval.newRelease.healthy ? 'ok' : 'failing'}`,
    `     stable: ${stable}`,
  ].join('\n');
}

/** One deployment: status, traffic, the verdict of each interval with its figures, the reason, the timeline and what the caller may do. */
export function formatDeployment(deployment: DeploymentDetailView): string {
  const lines = [
    `deployment ${deployment.id}: ${deployment.repo} to ${deployment.environment}, ${deployment.status}${deployment.paused ? ' (paused)' : ''}, traffic ${deployment.trafficPercent} %`,
    `commit ${deployment.commit.slice(0, 12)}${deployment.previousCommit ? ` (stable ${deployment.previousCommit.slice(0, 12)})` : ' (first release)'}, target ${deployment.target}, asked by ${deployment.createdBy} at ${deployment.createdAt}`,
  ];
  if (deployment.operationId) lines.push(`operation ${deployment.operationId}`);
  if (deployment.approval)
    lines.push(`${deployment.approval.gate} gate: ${deployment.approval.level} (rule ${deployment.approval.rule}): ${deployment.approval.reason}`);
  if (deployment.verdict) lines.push(`verdict: ${deployment.verdict.decision} (${deployment.verdict.rule}): ${deployment.verdict.reason}`);
  if (deployment.reason) lines.push(`reason: ${deployment.reason}`);
  lines.push(deployment.intervals.length ? 'intervals:' : 'intervals: none judged yet');
  for (const interval of deployment.intervals) lines.push(intervalLine(interval));
  if (deployment.outputTail) lines.push('output (tail):', ...deployment.outputTail.split('\n').map((line) => `  ${line}`));
  lines.push('timeline:');
  for (const event of deployment.timeline) lines.push(`  ${event.at}  ${event.type}  by ${event.actor}`);
  lines.push(`you may: ${deployment.actions.length ? deployment.actions.join(', ') : 'nothing now'}`);
  return lines.join('\n');
}

interface EnvironmentView {
  name: string;
  target: string;
  watchMinutes: number;
  trafficSteps: number[];
  publicPort: number;
}

/** A repository's deploy settings in a few lines. */
export function formatDeploySettings(repo: string, deploy: Record<string, unknown> | null): string {
  if (!deploy) return `${repo} does not deploy (no deploy settings)`;
  const environments = (deploy.environments as EnvironmentView[] | undefined) ?? [];
  return [
    `${repo} deploys with: start ${String(deploy.startCommand)}, health ${String(deploy.healthPath)}, smoke ${String(deploy.smokeCommand ?? '-')}, every ${String(deploy.intervalSeconds)} s, on merge ${deploy.onMerge ? 'yes' : 'no'}`,
    ...environments.map(
      (environment) =>
        `  ${environment.name}: ${environment.target}, watch ${environment.watchMinutes} min, steps ${environment.trafficSteps.join('/')} %, port ${environment.publicPort || 'any'}`,
    ),
  ].join('\n');
}
