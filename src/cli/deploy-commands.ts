import type { Command } from 'commander';
import type { DeploymentDetailView, DeploymentSummaryView } from '../domain/deployment-vocabulary.ts';
import type { RepoList, RepoView } from '../server/api-types.ts';
import { ApiError, type ApiClient } from './api-client.ts';
import { mergeDeploySettings, type DeploySettingsFlags } from './deploy-settings-flags.ts';
import { formatDeployment, formatDeploymentTable, formatDeploySettings } from './format-deployment.ts';

function print(json: boolean | undefined, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

function summaryLine(deployment: DeploymentSummaryView): string {
  return `${deployment.id} ${deployment.status}: ${deployment.repo} ${deployment.commit.slice(0, 12)} to ${deployment.environment}${deployment.reason ? ` (${deployment.reason})` : ''}`;
}

const decisions = [
  ['approve', 'approve a deployment waiting at the deploy or promote gate'],
  ['promote', 'promote a canary now, whatever the judge would say'],
  ['rollback', 'put all traffic back on the stable release and stop the new one'],
  ['pause', 'hold a canary at its traffic step (still judged, never advanced)'],
  ['resume', 'let a paused canary go on, or watch an inconclusive one for one more window'],
  ['cancel', 'cancel a deployment waiting for approval'],
] as const;

/**
 * Ship and watch from the command line: `mender deploy`, `mender deployments`, `mender deployment
 * show|<decision> <id>`, and `mender repo deploy <repo>` for a repository's deploy settings.
 */
export function registerDeployCommands(program: Command, repo: Command, client: () => ApiClient): void {
  program
    .command('deploy <repo>')
    .description('deploy a commit of a repository to an environment (the deploy gate decides who must approve)')
    .requiredOption('--env <name>', 'the environment, e.g. staging')
    .option('--commit <sha>', 'a commit, branch or tag (default: the head of the default branch)')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { env: string; commit?: string; json?: boolean }) => {
      const created = await client().request<DeploymentSummaryView>('POST', '/api/deployments', {
        repo: name,
        environment: options.env,
        ...(options.commit ? { commit: options.commit } : {}),
      });
      print(options.json, created, () => `${summaryLine(created)}\nfollow it: mender deployment show ${created.id}`);
    });

  program
    .command('deployments')
    .description('deployments, newest first')
    .option('--repo <name>', 'only this repository')
    .option('--env <name>', 'only this environment')
    .option('--status <status>', 'only this status')
    .option('--limit <n>', 'at most this many (default 50)')
    .option('--json', 'machine-readable output')
    .action(async (options: { repo?: string; env?: string; status?: string; limit?: string; json?: boolean }) => {
      const query = new URLSearchParams(
        Object.entries({ repo: options.repo, environment: options.env, status: options.status, limit: options.limit }).filter(
          (entry): entry is [string, string] => !!entry[1],
        ),
      );
      const result = await client().request<{ deployments: DeploymentSummaryView[] }>('GET', `/api/deployments?${query}`);
      print(options.json, result, () => formatDeploymentTable(result.deployments));
    });

  const deployment = program.command('deployment').description('one deployment: show it, or decide on it');
  deployment
    .command('show <id>')
    .description('status, traffic, the verdict of each interval with its figures, the reason and the timeline')
    .option('--json', 'machine-readable output')
    .action(async (id: string, options: { json?: boolean }) => {
      const detail = await client().request<DeploymentDetailView>('GET', `/api/deployments/${encodeURIComponent(id)}`);
      print(options.json, detail, () => formatDeployment(detail));
    });
  for (const [name, description] of decisions) {
    const command = deployment.command(`${name} <id>`).description(description).option('--json', 'machine-readable output');
    if (name !== 'pause' && name !== 'resume') command.option('--comment <text>', 'a comment for the record');
    command.action(async (id: string, options: { comment?: string; json?: boolean }) => {
      const result = await client().request<DeploymentSummaryView>(
        'POST',
        `/api/deployments/${encodeURIComponent(id)}/${name}`,
        options.comment ? { comment: options.comment } : {},
      );
      print(options.json, result, () => summaryLine(result));
    });
  }

  repo
    .command('deploy <repo>')
    .description("set a repository's deploy settings, merged over the current ones (docs/deploy.md)")
    .option('--start-command <command>', 'how the local target starts a release (it listens on $PORT)')
    .option('--health-path <path>', 'answers 2xx when a release is up, e.g. /health')
    .option('--smoke-command <command>', 'run once against a started release (MENDER_RELEASE_URL set)')
    .option('--environments <list>', 'environments and watch minutes in order, e.g. staging:10,production:30')
    .option('--interval-seconds <n>', 'how often the canary is judged')
    .option('--steps <list>', 'traffic steps in percent for every environment, e.g. 10,50,100')
    .option('--port <env=port>', "an environment's public port (repeat for each)", (value: string, previous: string[] = []) => [...previous, value])
    .option('--settings-file <file>', 'a JSON file of deploy settings, merged before the flags')
    .option('--off', 'remove the deploy settings: the repository no longer deploys')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: DeploySettingsFlags & { off?: boolean; json?: boolean }) => {
      const api = client();
      const { off, json, ...flags } = options;
      const current = (await api.request<RepoList>('GET', '/api/repos')).repos.find((candidate) => candidate.name === name);
      if (!current) throw new ApiError(404, `repository "${name}" is not registered: list them with \`mender repo list\``);
      if (off && Object.values(flags).some((value) => value !== undefined))
        throw new ApiError(400, '--off removes the settings: give no other setting with it');
      const deploy = off ? null : mergeDeploySettings(current.deploy, flags);
      const updated = await api.request<RepoView>('PATCH', `/api/repos/${encodeURIComponent(name)}`, { deploy });
      print(json, updated, () => formatDeploySettings(updated.name, updated.deploy));
    });
}
