import fs from 'node:fs';
import path from 'node:path';
import type { RepoStore, RepoRow } from '../store/repo-store.ts';
import { runGit } from '../workspace/git.ts';
import type { RepoCommands } from '../workspace/detect-commands.ts';
import type { RemoteRepositories } from '../forge/forge.ts';
import { deploySettingsSchema } from '../deploy/deploy-settings.ts';

/** The input is wrong in a way the caller can fix; `field` names what. */
export class RepoRegistrationError extends Error {
  readonly code = 'invalid_repository';
  override name = 'RepoRegistrationError';
  constructor(
    message: string,
    readonly field: string,
    readonly conflict = false,
  ) {
    super(message);
  }
}

export interface RegisterRepoInput {
  name: string;
  path: string;
  defaultBranch?: string;
  commands?: RepoCommands;
  /** Deploy settings (the config file's `deploy` block): stored parsed, with defaults; absent: the stored ones are kept. */
  deploy?: unknown;
  source: string;
  /** The data folder of the registering process (its path is on that disk); absent: every process sees the path. */
  dataFolderId?: string;
}

export interface RegisterRepoOptions {
  replace: boolean;
  /** Mender's data folder: a repository containing it is refused, or its tools would reach the database and tokens. */
  dataDir?: string;
}

/** Checks the name, that the path is a git checkout with the default branch and holds no data folder, then records it. */
export async function registerRepo(repos: RepoStore, input: RegisterRepoInput, options: RegisterRepoOptions = { replace: false }): Promise<RepoRow> {
  checkRepoName(input.name);
  const deploy = input.deploy === undefined ? undefined : checkDeploySettings(input.name, input.deploy);
  const absolute = path.resolve(input.path);
  if (!fs.existsSync(absolute) || !fs.statSync(absolute).isDirectory()) throw new RepoRegistrationError(`${absolute} is not a folder`, 'path');
  const top = await runGit(absolute, ['rev-parse', '--show-toplevel'], { allowFailure: true });
  if (top.exitCode !== 0)
    throw new RepoRegistrationError(`${absolute} is not a git repository: run \`git init\` there and commit, or give the path of a checkout`, 'path');
  const root = fs.realpathSync(top.stdout.trim());
  if (options.dataDir !== undefined) refuseIfHoldsDataFolder(root, options.dataDir);
  let defaultBranch = input.defaultBranch;
  if (!defaultBranch) {
    const head = await runGit(root, ['symbolic-ref', '--short', 'HEAD'], { allowFailure: true });
    defaultBranch = head.stdout.trim() || 'main';
  }
  const exists = await runGit(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${defaultBranch}^{commit}`], { allowFailure: true });
  if (exists.exitCode !== 0)
    throw new RepoRegistrationError(
      `branch ${defaultBranch} does not exist in ${root} (it needs at least one commit): give defaultBranch or commit first`,
      'defaultBranch',
    );
  const existing = await repos.byName(input.name);
  if (existing && !options.replace)
    throw new RepoRegistrationError(`a repository named "${input.name}" is already registered (at ${existing.path}); choose another name`, 'name', true);
  const values = {
    name: input.name,
    path: root,
    defaultBranch,
    commands: input.commands ?? {},
    source: input.source,
    dataFolderId: input.dataFolderId ?? null,
    ...(deploy ? { deploy } : {}),
  };
  return existing ? repos.update(existing.id, values) : repos.insert(values);
}

export interface RegisterRemoteRepoInput {
  remoteUrl: string;
  name?: string;
  defaultBranch?: string;
  commands?: RepoCommands;
  source: string;
  dataFolderId?: string;
}

/** The deploy settings parsed with their defaults, or a registration error naming each wrong field. */
function checkDeploySettings(name: string, value: unknown): Record<string, unknown> {
  const parsed = deploySettingsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `deploy.${issue.path.join('.')}: ${issue.message}`.replace(/\.:/, ':'));
  throw new RepoRegistrationError(`repository ${name}: the deploy settings are not valid: ${problems.join('; ')}`, 'deploy');
}

const repoNamePattern = /^[a-zA-Z0-9._-]{1,64}$/;

/** A name is a folder name (clones, worktrees) and part of URLs: `.` and `..` would name another folder. */
function checkRepoName(name: string): void {
  if (!repoNamePattern.test(name) || name === '.' || name === '..')
    throw new RepoRegistrationError(
      `"${name}" cannot be a repository name: use 1–64 letters, digits, dot, dash or underscore, and not "." or ".." alone`,
      'name',
    );
}

/** Refuses a checkout whose folder is, or contains, Mender's data folder (compared by real path). */
function refuseIfHoldsDataFolder(root: string, dataDir: string): void {
  let data: string;
  try {
    data = fs.realpathSync(dataDir);
  } catch {
    return;
  }
  if (data === root || data.startsWith(`${root}${path.sep}`)) {
    throw new RepoRegistrationError(
      `${root} contains Mender's data folder (${data}), whose database and tokens no tool may reach: register a checkout outside it, or move the data folder out (MENDER_DATA_DIR)`,
      'path',
    );
  }
}

/**
 * Registers a repository by its remote URL: Mender clones it into its data folder (the clone is
 * Mender's own: fetched before planning, branches pushed from it) and records where it came from.
 */
export async function registerRemoteRepo(repos: RepoStore, remotes: RemoteRepositories, input: RegisterRemoteRepoInput): Promise<RepoRow> {
  let resolved: { suggestedName: string; describe: string };
  try {
    resolved = await remotes.resolve(input.remoteUrl);
  } catch (error) {
    throw new RepoRegistrationError((error as Error).message, 'remoteUrl', (error as { conflict?: boolean }).conflict === true);
  }
  const name = input.name ?? resolved.suggestedName;
  checkRepoName(name);
  const existing = await repos.byName(name);
  if (existing) throw new RepoRegistrationError(`a repository named "${name}" is already registered (at ${existing.path}); choose another name`, 'name', true);
  const target = remotes.folderFor(name);
  // A folder left by a clone that failed half-way belongs to no registered repository.
  fs.rmSync(target, { recursive: true, force: true });
  try {
    await remotes.clone(input.remoteUrl, target);
  } catch (error) {
    fs.rmSync(target, { recursive: true, force: true });
    throw new RepoRegistrationError(
      `cloning ${resolved.describe} failed: ${(error as Error).message}; check the URL and that Mender can read the repository (for GitHub: the App or token)`,
      'remoteUrl',
    );
  }
  try {
    const row = await registerRepo(repos, {
      name,
      path: target,
      defaultBranch: input.defaultBranch,
      commands: input.commands,
      source: input.source,
      dataFolderId: input.dataFolderId,
    });
    await remotes.record(row.id, input.remoteUrl);
    return row;
  } catch (error) {
    if (!(await repos.byName(name))) fs.rmSync(target, { recursive: true, force: true });
    throw error;
  }
}
