import path from 'node:path';
import { Command, Option } from 'commander';
import { loadSettings } from '../config/load-settings.ts';
import { ConfigError } from '../config/config-error.ts';
import { ApiError, createApiClient, type ApiClient } from './api-client.ts';
import { formatEventLine, formatOperation, formatOperationLine } from './format-operation.ts';
import { startMender } from '../main/start-mender.ts';
import { serveUnderSupervisor } from '../main/supervised-child.ts';
import { runSupervisor } from '../supervisor/run-supervisor.ts';
import { SupervisorStartError } from '../supervisor/supervisor-errors.ts';
import { registerAuditCommands } from './audit-commands.ts';
import { registerMcpCommands } from './mcp-commands.ts';
import { registerIntegrationCommands } from './integration-commands.ts';
import { registerIssueCommands } from './issue-commands.ts';
import { registerPolicyCommands } from './policy-commands.ts';
import { registerDeployCommands } from './deploy-commands.ts';
import { registerSelfCommands } from './self-commands.ts';
import type { AgentStatus, OperationList, OperationStatus, PauseState, RegisteredRepoView, RepoList } from '../server/api-types.ts';
import { awaitingStatuses, requestableOperationTypes, terminalStatuses } from '../domain/operation-vocabulary.ts';
import { processRoles, type ProcessRole } from '../domain/process-roles.ts';

// --wait stops where a person is needed, where the operation ended, or where its change landed.
const waitStatuses = new Set<string>([...awaitingStatuses, ...terminalStatuses, 'merged', 'pr_open']);

function client(): ApiClient {
  return createApiClient(loadSettings().settings);
}

function print(json: boolean, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

/** Follows an operation's events until it needs a human or ends; prints progress lines. */
async function waitFor(api: ApiClient, id: string, json: boolean): Promise<Record<string, unknown>> {
  let current = await api.request<Record<string, unknown>>('GET', `/api/operations/${id}`);
  if (!waitStatuses.has(String(current.status))) {
    await api.stream(`/api/events?operation=${encodeURIComponent(id)}`, undefined, (event) => {
      const data = event.data as { type: string; data: Record<string, unknown>; at: string };
      if (!json) process.stderr.write(`${formatEventLine(data)}\n`);
      const to = data.data.to;
      return !(typeof to === 'string' && waitStatuses.has(to));
    });
    current = await api.request<Record<string, unknown>>('GET', `/api/operations/${id}`);
  }
  return current;
}

function parseRole(role: string | undefined): ProcessRole | undefined {
  if (role === undefined) return undefined;
  if ((processRoles as readonly string[]).includes(role)) return role as ProcessRole;
  throw new ConfigError(`--role ${role} is not a role: use ${processRoles.join(', ')}`);
}

const program = new Command();
program.name('mender').description('Mender: from a bug report to a verified, approvable change.').showHelpAfterError();

program
  .command('start')
  .description('start Mender under its supervisor, which owns the port and restarts it into new versions (self-maintenance)')
  .option('--no-supervisor', 'run the server and workers in this one process: no self-updates, no automatic revert')
  .option(
    '--role <role>',
    'all: server and workers in one process; web: HTTP only, enqueues; worker: runs the queue jobs (web and worker need DATABASE_URL; default MENDER_ROLE, else all)',
  )
  .addOption(new Option('--supervised-child', 'how the supervisor starts a version').hideHelp())
  .action(async (options: { supervisor: boolean; supervisedChild?: boolean; role?: string }) => {
    const role = parseRole(options.role);
    if (options.supervisedChild) return serveUnderSupervisor(loadSettings);
    if (options.supervisor) {
      // The version the supervisor starts reads its role where this process got it.
      await runSupervisor(loadSettings(), role ? { MENDER_ROLE: role } : {});
      return;
    }
    const running = await startMender(loadSettings(), { role });
    process.stdout.write(
      `Mender is listening on ${running.url} (API token in ${path.join(loadSettings().settings.dataDir, 'admin-token')} unless MENDER_ADMIN_TOKEN is set)\n`,
    );
    const stop = async () => {
      await running.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  });

const repo = program.command('repo').description('registered repositories');
repo
  .command('add [path]')
  .description('register a local git checkout, or a remote repository with --remote (Mender clones it; workers on their own disks clone it too)')
  .option(
    '--remote <url>',
    'https URL of a GitHub repository, e.g. https://github.com/owner/name, or file:///path/to/bare.git where MENDER_ALLOW_FILE_REMOTES allows it (instead of a path)',
  )
  .option('--name <name>', 'name to refer to it by (default: the folder or repository name)')
  .option('--default-branch <branch>', 'branch changes are merged into (default: the checked-out branch)')
  .option('--test <command>', 'override the detected test command')
  .option('--json', 'machine-readable output')
  .action(async (folder: string | undefined, options: { remote?: string; name?: string; defaultBranch?: string; test?: string; json?: boolean }) => {
    if (!folder === !options.remote) throw new ApiError(400, 'give the path of a local checkout, or --remote https://github.com/owner/name (one of them)');
    const commands = options.test ? { test: options.test } : undefined;
    const absolute = folder ? path.resolve(folder) : undefined;
    const body = absolute
      ? { name: options.name ?? path.basename(absolute), path: absolute, defaultBranch: options.defaultBranch, commands }
      : { remoteUrl: options.remote, name: options.name, defaultBranch: options.defaultBranch, commands };
    const result = await client().request<RegisteredRepoView>('POST', '/api/repos', body);
    print(
      !!options.json,
      result,
      () =>
        `registered ${result.name} (${result.path}, default branch ${result.defaultBranch})\n${Object.entries(result.detectedCommands)
          .map(([kind, command]) => `  ${kind}: ${command}`)
          .join('\n')}`,
    );
    // Registered all the same: a warning, on stderr so that --json output stays one document.
    for (const warning of result.warnings ?? []) process.stderr.write(`warning: ${warning}\n`);
  });
repo
  .command('list')
  .option('--json', 'machine-readable output')
  .action(async (options: { json?: boolean }) => {
    const result = await client().request<RepoList>('GET', '/api/repos');
    print(
      !!options.json,
      result,
      () =>
        result.repos.map((item) => `${item.name}  ${item.remote ?? item.path}  (${item.defaultBranch})`).join('\n') ||
        'no repositories registered: mender repo add <path>',
    );
  });

// `fix` first: the help lists the commonest command at the top.
for (const type of ['fix', ...requestableOperationTypes.filter((other) => other !== 'fix')] as const) {
  program
    .command(`${type} <description>`)
    .description(`start a ${type} operation`)
    .requiredOption('--repo <name>', 'registered repository')
    .option('--error <message>', 'the error message, as error context')
    .option('--stack <trace>', 'a stack trace, as error context')
    .option('--wait', 'show live progress until the operation needs a human or ends')
    .option('--json', 'machine-readable output')
    .action(async (description: string, options: { repo: string; error?: string; stack?: string; wait?: boolean; json?: boolean }) => {
      const api = client();
      const errorContext = options.error ? { message: options.error, stack: options.stack } : undefined;
      const created = await api.request<OperationStatus>('POST', '/api/operations', { type, description, repo: options.repo, errorContext });
      if (!options.wait) return print(!!options.json, created, () => `${created.id} ${created.status}\nfollow it: mender status ${created.id}`);
      if (!options.json) process.stderr.write(`${created.id} queued\n`);
      const final = await waitFor(api, created.id, !!options.json);
      print(!!options.json, final, () => formatOperation(final as never));
      if (final.status === 'failed') process.exitCode = 1;
    });
}

program
  .command('status <id>')
  .option('--wait', 'follow until it needs a human or ends')
  .option('--json', 'machine-readable output')
  .action(async (id: string, options: { wait?: boolean; json?: boolean }) => {
    const api = client();
    const operation = options.wait ? await waitFor(api, id, !!options.json) : await api.request<Record<string, unknown>>('GET', `/api/operations/${id}`);
    print(!!options.json, operation, () => formatOperation(operation as never));
  });

program
  .command('list')
  .option('--status <status>', 'only this status')
  .option('--repo <name>', 'only this repository')
  .option('--json', 'machine-readable output')
  .action(async (options: { status?: string; repo?: string; json?: boolean }) => {
    const query = new URLSearchParams(Object.entries({ status: options.status, repo: options.repo }).filter((entry): entry is [string, string] => !!entry[1]));
    const result = await client().request<OperationList>('GET', `/api/operations?${query}`);
    print(!!options.json, result, () => result.operations.map(formatOperationLine).join('\n') || 'no operations');
  });

program
  .command('diff <id>')
  .description('the change as a unified diff')
  .action(async (id: string) => {
    process.stdout.write(await client().text(`/api/operations/${id}/diff`));
  });

const decisions = [
  ['approve', 'approve the plan or the change that waits for approval', false],
  ['reject', 'reject the plan or the change', false],
  ['request-changes', 'send the plan or change back with feedback (the coder runs again)', true],
  ['cancel', 'cancel the operation', false],
  ['retry', 'start a failed, rejected or cancelled operation again', false],
] as const;
for (const [name, description, needsComment] of decisions) {
  const command = program.command(`${name} <id>`).description(description).option('--json', 'machine-readable output');
  if (name !== 'retry') command.option('--comment <text>', needsComment ? 'what should change (required)' : 'a comment for the record');
  command.action(async (id: string, options: { comment?: string; json?: boolean }) => {
    if (needsComment && !options.comment) throw new ApiError(400, `${name} needs --comment "what should change"`);
    const result = await client().request<OperationStatus>('POST', `/api/operations/${id}/${name}`, options.comment ? { comment: options.comment } : {});
    print(!!options.json, result, () => `${result.id} ${result.status}`);
  });
}

program
  .command('rollback <id>')
  .description('revert a merged operation on the default branch, verified and approved like any change')
  .option('--comment <text>', 'why, for the record')
  .option('--json', 'machine-readable output')
  .action(async (id: string, options: { comment?: string; json?: boolean }) => {
    const created = await client().request<OperationStatus>('POST', `/api/operations/${id}/rollback`, options.comment ? { comment: options.comment } : {});
    print(!!options.json, created, () => `${created.id} ${created.status} (rolls back ${id})\nfollow it: mender status ${created.id} --wait`);
  });

program
  .command('pause')
  .description('the kill switch: no new step starts, running model calls and commands stop, nothing merges')
  .option('--reason <text>', 'why, for the record')
  .option('--json', 'machine-readable output')
  .action(async (options: { reason?: string; json?: boolean }) => {
    const state = await client().request<PauseState>('POST', '/api/agent/pause', options.reason ? { reason: options.reason } : {});
    print(!!options.json, state, () => `paused by ${state.by ?? '?'}; resume with \`mender resume\``);
  });
program
  .command('resume')
  .description('resume after a pause; operations continue from their last durable state')
  .option('--json', 'machine-readable output')
  .action(async (options: { json?: boolean }) => {
    const state = await client().request<PauseState>('POST', '/api/agent/resume', {});
    print(!!options.json, state, () => (state.paused ? 'still paused' : 'running'));
  });
program
  .command('agent')
  .description('agent status: paused or running, autonomy level, operations by status')
  .option('--json', 'machine-readable output')
  .action(async (options: { json?: boolean }) => {
    const state = await client().request<AgentStatus>('GET', '/api/agent');
    print(!!options.json, state, () =>
      [
        `${state.paused ? `paused by ${state.by}${state.reason ? ` (${state.reason})` : ''}` : 'running'} · autonomy level ${state.autonomyLevel} · sandbox ${state.sandbox}`,
        ...Object.entries(state.operations).map(([status, count]) => `  ${status}: ${count}`),
      ].join('\n'),
    );
  });

const user = program.command('user').description('users, roles and API tokens (admin)');
user
  .command('add <name>')
  .requiredOption('--role <role>', 'viewer, team-lead or admin')
  .option('--password-stdin', 'also read a password (12 characters or more) from stdin, for signing in to the dashboard')
  .option('--json', 'machine-readable output')
  .description('create a user; prints its API token once')
  .action(async (name: string, options: { role: string; passwordStdin?: boolean; json?: boolean }) => {
    // From stdin, not an argument: arguments show in `ps` and shell history.
    const password = options.passwordStdin ? (await readStdin()).replace(/\r?\n$/, '') : undefined;
    const created = await client().request<{ name: string; role: string; token: string }>('POST', '/api/users', { name, role: options.role, password });
    print(!!options.json, created, () => `created ${created.name} (${created.role})\ntoken (shown once): ${created.token}`);
  });
user
  .command('list')
  .option('--json', 'machine-readable output')
  .action(async (options: { json?: boolean }) => {
    const result = await client().request<{ users: { name: string; role: string }[] }>('GET', '/api/users');
    print(!!options.json, result, () => result.users.map((item) => `${item.name}  ${item.role}`).join('\n'));
  });

registerAuditCommands(program, client);
registerMcpCommands(program, client);
registerIntegrationCommands(program, client);
registerPolicyCommands(program, client);
registerDeployCommands(program, repo, client);
registerSelfCommands(program, client);

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
registerIssueCommands(program, client);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ApiError || error instanceof ConfigError || error instanceof SupervisorStartError) {
    process.stderr.write(`mender: ${error.message}\n`);
    process.exit(error instanceof ApiError && error.status === 0 ? 3 : 1);
  }
  throw error;
}
