import fs from 'node:fs';
import path from 'node:path';
import type { RemoteForge } from '../forge/forge-router.ts';
import type { Logger } from '../logging/logger.ts';
import type { RepoRow } from '../store/repo-store.ts';
import { OperationFailure } from './pipeline-errors.ts';
import type { RepoCheckouts } from './pipeline-ports.ts';

export interface ProcessCheckoutsOptions {
  /** This process's data folder id (`store/data-folder-id.ts`). */
  dataFolderId: string;
  /** `<dataDir>/repo-cache`: this process's own clones of remote repositories. */
  cacheFolder: string;
  remoteForgeOf(repoId: string): Promise<RemoteForge | undefined>;
  log: Logger;
}

/**
 * Where this process finds a repository's git data. On the disk of the process that registered
 * it (same data folder id, or a repository every process registers from its config): its path.
 * Elsewhere (a worker on its own volume): a remote repository is cloned once into this process's
 * cache and fetched on every step, with the operation's work branch, which the worker before
 * pushed; a local checkout cannot be reached, and the step fails saying what to do.
 */
export class ProcessCheckouts implements RepoCheckouts {
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly options: ProcessCheckoutsOptions) {}

  async locate(repo: RepoRow, branches: readonly string[] = []): Promise<string> {
    if (repo.dataFolderId === null || repo.dataFolderId === this.options.dataFolderId) return repo.path;
    const remote = await this.options.remoteForgeOf(repo.id);
    if (!remote)
      throw new OperationFailure(
        `repository ${repo.name} is registered by its local path ${repo.path}, on another data folder (${repo.dataFolderId}) than this worker's (${this.options.dataFolderId}): ` +
          `this worker does not share that disk. Give every process the same volume (MENDER_DATA_DIR) with the repository at that path, or register it by its remote (mender repo add --remote <git URL>) so workers clone it`,
      );
    // One clone or fetch per repository at a time in this process: two steps never race on one clone.
    const cache = path.join(this.options.cacheFolder, repo.name);
    const previous = this.pending.get(cache) ?? Promise.resolve(cache);
    const next = previous.catch(() => cache).then(() => this.refresh(repo, remote, cache, branches));
    this.pending.set(cache, next);
    try {
      return await next;
    } finally {
      if (this.pending.get(cache) === next) this.pending.delete(cache);
    }
  }

  private async refresh(repo: RepoRow, remote: RemoteForge, cache: string, branches: readonly string[]): Promise<string> {
    if (!fs.existsSync(path.join(cache, '.git'))) {
      // A folder left by a clone that stopped half-way is nobody's: start it again.
      fs.rmSync(cache, { recursive: true, force: true });
      fs.mkdirSync(this.options.cacheFolder, { recursive: true, mode: 0o700 });
      await remote.cloneInto(repo.id, cache);
      this.options.log.info('repository cache cloned', { repo: repo.name, path: cache });
    }
    await remote.fetchBranches({ id: repo.id, name: repo.name, path: cache, defaultBranch: repo.defaultBranch }, branches);
    this.options.log.info('repository cache fetched', { repo: repo.name, path: cache, branches });
    return cache;
  }
}
