import type { RepoRow, RepoStore } from '../store/repo-store.ts';
import type { RepoCommands } from '../workspace/detect-commands.ts';
import { selfRepoDefaultName } from '../domain/self-update-vocabulary.ts';
import { registerRepo, RepoRegistrationError } from './register-repo.ts';

export interface SelfRepoInput {
  /** The checkout the supervisor runs Mender from. */
  checkout: string;
  /** Default `mender`. */
  name?: string;
  /** Default: what the checkout's package.json offers (its own suite, typecheck, lint, build). */
  commands?: RepoCommands;
}

/**
 * Registers Mender's own checkout as the self repository: an ordinary repository for the
 * pipeline, whose merges become self-updates and whose protected files no tool may change. The
 * checkout must not hold the data folder (`registerRepo` refuses it), so self-maintenance needs
 * MENDER_DATA_DIR outside the checkout. At most one repository is the self repository.
 */
export async function registerSelfRepo(repos: RepoStore, input: SelfRepoInput, options: { dataDir: string }): Promise<RepoRow> {
  const name = input.name ?? selfRepoDefaultName;
  const other = (await repos.list()).find((repo) => repo.self && repo.name !== name);
  if (other) throw new RepoRegistrationError(`${other.name} (at ${other.path}) is already Mender's own repository; there is only one`, 'name', true);
  const existing = await repos.byName(name);
  if (existing && !existing.self)
    throw new RepoRegistrationError(
      `a repository named "${name}" is already registered (at ${existing.path}) and is not Mender's checkout; choose another name`,
      'name',
      true,
    );
  const row = await registerRepo(
    repos,
    { name, path: input.checkout, source: 'self', ...(input.commands ? { commands: input.commands } : {}) },
    { replace: true, dataDir: options.dataDir },
  );
  return repos.update(row.id, { self: true });
}

/** The self repository, if one is registered. */
export async function selfRepo(repos: RepoStore): Promise<RepoRow | undefined> {
  return (await repos.list()).find((repo) => repo.self);
}
