import type { Executor } from '../store/database.ts';
import type { ChangeRequestRecords } from './change-request-records.ts';
import type { ChangeRequestInput, ChangeRequestView, Forge, ForgeRepo, MergeOutcome, MergeRequest } from './forge.ts';
import type { LocalForge } from './local-forge.ts';

/** A forge that acts only on some repositories (those registered from it). */
export interface RemoteForge extends Forge {
  handles(repoId: string): Promise<boolean>;
  /** Clones the repository from its remote into `target` (a worker's own cache, `pipeline/repo-checkouts.ts`). */
  cloneInto(repoId: string, target: string): Promise<void>;
  /** Fetches the default branch and `branches` into the clone at `repo.path`. */
  fetchBranches(repo: ForgeRepo, branches: readonly string[]): Promise<void>;
}

/**
 * The forge the pipeline sees: each repository's own (GitHub for repositories registered from
 * GitHub, the local forge otherwise). Change request records are the same table for all.
 */
export class ForgeRouter implements Forge {
  constructor(
    private readonly records: ChangeRequestRecords,
    private readonly local: LocalForge,
    private readonly remotes: RemoteForge[] = [],
  ) {}

  async forgeOf(repoId: string): Promise<Forge> {
    return (await this.remoteForgeOf(repoId)) ?? this.local;
  }

  /** The remote forge the repository was registered from; undefined for a local checkout. */
  async remoteForgeOf(repoId: string): Promise<RemoteForge | undefined> {
    for (const remote of this.remotes) if (await remote.handles(repoId)) return remote;
    return undefined;
  }

  openChangeRequest(executor: Executor, input: ChangeRequestInput): Promise<void> {
    return this.records.open(executor, input);
  }

  async changeRequestOf(operationId: string): Promise<ChangeRequestView | undefined> {
    const record = await this.records.of(operationId);
    if (!record) return undefined;
    return (await this.forgeOf(record.repoId)).changeRequestOf(operationId);
  }

  closeChangeRequest(executor: Executor, operationId: string, status: 'merged' | 'closed', mergeCommit?: string): Promise<void> {
    return this.records.close(executor, operationId, status, mergeCommit);
  }

  async syncDefaultBranch(repo: ForgeRepo): Promise<void> {
    await (await this.forgeOf(repo.id)).syncDefaultBranch(repo);
  }

  async publishChangeRequest(repo: ForgeRepo, input: ChangeRequestInput, details: { riskMarkdown?: string }): Promise<void> {
    await (await this.forgeOf(repo.id)).publishChangeRequest(repo, input, details);
  }

  async merge(repo: ForgeRepo, request: MergeRequest): Promise<MergeOutcome> {
    return (await this.forgeOf(repo.id)).merge(repo, request);
  }

  async deleteBranch(repo: ForgeRepo, branch: string): Promise<void> {
    await (await this.forgeOf(repo.id)).deleteBranch(repo, branch);
  }
}
