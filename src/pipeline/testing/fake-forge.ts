import type { Executor } from '../../store/database.ts';
import type { ChangeRequestInput, ChangeRequestView, Forge, ForgeRepo, MergeOutcome, MergeRequest } from '../../forge/forge.ts';
import type { CallLog } from './call-log.ts';

/** A forge that records what it was asked; `mergeOutcomes` answer `merge`. */
export class FakeForge implements Forge {
  readonly published: { input: ChangeRequestInput; details: { riskMarkdown?: string } }[] = [];
  readonly opened: ChangeRequestInput[] = [];
  readonly closed: { operationId: string; status: 'merged' | 'closed'; mergeCommit?: string }[] = [];
  readonly deletedBranches: string[] = [];
  readonly synced: string[] = [];
  readonly merges: MergeRequest[] = [];
  /** Answers to `merge`, in order; once used up, every merge succeeds. */
  mergeOutcomes: MergeOutcome[] = [];
  publishError: Error | undefined;

  constructor(private readonly log: CallLog) {}

  async openChangeRequest(_executor: Executor, input: ChangeRequestInput): Promise<void> {
    this.opened.push(input);
  }

  async changeRequestOf(): Promise<ChangeRequestView | undefined> {
    return undefined;
  }

  async closeChangeRequest(_executor: Executor, operationId: string, status: 'merged' | 'closed', mergeCommit?: string): Promise<void> {
    this.closed.push({ operationId, status, mergeCommit });
  }

  async syncDefaultBranch(repo: ForgeRepo): Promise<void> {
    this.synced.push(repo.name);
    this.log.push(`forge.syncDefaultBranch ${repo.name}`);
  }

  async publishChangeRequest(_repo: ForgeRepo, input: ChangeRequestInput, details: { riskMarkdown?: string }): Promise<void> {
    if (this.publishError) throw this.publishError;
    this.published.push({ input, details });
  }

  async merge(_repo: ForgeRepo, request: MergeRequest): Promise<MergeOutcome> {
    this.merges.push(request);
    return this.mergeOutcomes.shift() ?? { ok: true, mergeCommit: 'merge-commit', method: 'fast-forward' };
  }

  async deleteBranch(_repo: ForgeRepo, branch: string): Promise<void> {
    this.deletedBranches.push(branch);
    this.log.push(`forge.deleteBranch ${branch}`);
  }
}
