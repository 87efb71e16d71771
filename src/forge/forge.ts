import type { Executor } from '../store/database.ts';
import type { changeRequests } from '../store/schema.ts';

export type ChangeRequestRow = typeof changeRequests.$inferSelect;

/** A change request as the API shows it: the record, and where it lives on a remote forge. */
export type ChangeRequestView = ChangeRequestRow & { url?: string; number?: number };

/** The repository a forge acts on: its id, name, local clone or checkout, and default branch. */
export interface ForgeRepo {
  id: string;
  name: string;
  path: string;
  defaultBranch: string;
}

export interface ChangeRequestInput {
  operationId: string;
  repoId: string;
  branch: string;
  baseCommit: string;
  headCommit: string;
  title: string;
  body: string;
  diff: string;
}

export interface MergeRequest {
  operationId: string;
  branch: string;
  /** The default branch's commit the change was verified on. */
  base: string;
  head: string;
}

export type MergeMethod = 'fast-forward' | 'merge' | 'squash' | 'rebase';

/** `moved` means the default branch is no longer at `base`: rebase onto `moved.head`, verify again, retry. */
export type MergeOutcome = { ok: true; mergeCommit: string; method: MergeMethod } | { ok: false; reason: string; moved?: { head: string } };

/**
 * Where change requests live and how they are merged. The local forge keeps them in the database
 * and fast-forwards the checkout; the GitHub forge pushes the branch, opens a pull request and
 * merges it through the API. The pipeline only sees this interface.
 */
export interface Forge {
  /** Records the change request in the database, inside the transition that proposes it. */
  openChangeRequest(executor: Executor, input: ChangeRequestInput): Promise<void>;
  changeRequestOf(operationId: string): Promise<ChangeRequestView | undefined>;
  closeChangeRequest(executor: Executor, operationId: string, status: 'merged' | 'closed', mergeCommit?: string): Promise<void>;
  /** Brings the default branch up to date with the remote, so planning starts from what the team sees. */
  syncDefaultBranch(repo: ForgeRepo): Promise<void>;
  /** Makes a verified, committed change visible for review (GitHub: push, draft pull request, ready for review). */
  publishChangeRequest(repo: ForgeRepo, input: ChangeRequestInput, details: { riskMarkdown?: string }): Promise<void>;
  /** Merges the approved change into the default branch if it still starts from `base`. */
  merge(repo: ForgeRepo, request: MergeRequest): Promise<MergeOutcome>;
  /** Removes the operation's branch (and its remote copy). */
  deleteBranch(repo: ForgeRepo, branch: string): Promise<void>;
}

/** Clones and records repositories that live on a remote forge (GitHub). */
export interface RemoteRepositories {
  /** Folder the clone of `name` goes to (inside Mender's data folder). */
  folderFor(name: string): string;
  /** Checks the URL and that Mender can act on it; returns the remote's own name for the repository. */
  resolve(remoteUrl: string): Promise<{ suggestedName: string; describe: string }>;
  clone(remoteUrl: string, target: string): Promise<void>;
  record(repoId: string, remoteUrl: string): Promise<void>;
  /** Where a registered repository comes from (e.g. `github:acme/shop`), undefined for local ones. */
  remoteOf(repoId: string): Promise<string | undefined>;
}
