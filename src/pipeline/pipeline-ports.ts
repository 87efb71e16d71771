/**
 * The interfaces the pipeline's steps depend on, each holding only what the pipeline calls.
 * The concrete backends (OperationStore, RepoStore, WorktreeManager, PipelineMetrics,
 * AgentControl) satisfy them structurally and are chosen at start-up; a step's test hands in
 * fakes from `testing/fake-pipeline-context.ts` instead.
 */
import type { RepoRow } from '../store/repo-store.ts';
import type { CreateWorktreeOptions } from '../workspace/worktree-manager.ts';
import type { ApprovalRow, EventInput, JobRequest, NewOperation, OperationPatch, OperationRow, StartLimits, TransitionRequest } from './operation-store.ts';

/** Operations, their timeline and artifacts: every status change is one `transition`. */
export interface OperationRecords {
  create(values: NewOperation, actor: string, job: JobRequest, limits?: StartLimits): Promise<OperationRow>;
  get(id: string): Promise<OperationRow>;
  /** Operations not yet in a terminal status. */
  nonTerminal(): Promise<OperationRow[]>;
  approvalsOf(id: string): Promise<ApprovalRow[]>;
  /** The operation's events in order (the recheck reads the wait it re-decides). */
  timeline(id: string): Promise<{ type: string; data: Record<string, unknown> }[]>;
  transition(id: string, request: TransitionRequest): Promise<OperationRow>;
  patch(id: string, patch: OperationPatch): Promise<void>;
  event(id: string, actor: string, event: EventInput): Promise<void>;
  /** Stores a tool's output; returns the reference the model sees. */
  saveArtifact(operationId: string, name: string, content: string): Promise<string>;
}

/** Registered repositories, read by name or id. */
export interface RepositoryLookup {
  list(): Promise<RepoRow[]>;
  byName(name: string): Promise<RepoRow | undefined>;
  byId(id: string): Promise<RepoRow | undefined>;
}

/** Where this process finds a repository's git data: its registered path, or its own clone of the remote (`repo-checkouts.ts`). */
export interface RepoCheckouts {
  /** The path to work in, with `branches` (the operation's work branch) fetched when it is a clone. */
  locate(repo: RepoRow, branches?: readonly string[]): Promise<string>;
}

/** Disposable checkouts of an operation; each returns the checkout's path. */
export interface Worktrees {
  create(options: CreateWorktreeOptions): Promise<string>;
  /** A read-only look at a commit in its own folder (planning). */
  createDetached(repoPath: string, name: string, commit: string): Promise<string>;
  remove(repoPath: string, operationId: string): Promise<void>;
}

/** A counter as the pipeline uses one: incremented by labels. */
export interface LabelledCounter<Label extends string> {
  inc(labels: Partial<Record<Label, string>>, value?: number): void;
}

/** Step durations and model usage, as the pipeline records them. */
export interface StepMetrics {
  /** Runs a step and records how long it took and whether it threw. */
  timeStep<Result>(step: string, run: () => Promise<Result>): Promise<Result>;
  readonly modelCalls: LabelledCounter<'role'>;
  readonly modelTokens: LabelledCounter<'role' | 'kind'>;
  /** US dollars by model role, from the price table (`MENDER_MODEL_PRICES`). */
  readonly modelCost: LabelledCounter<'role'>;
}

/** The kill switch as the pipeline sees it: steps wait while paused and stop when a pause begins. */
export interface PauseSwitch {
  /** Called when a pause begins; returns a function that stops listening. */
  onPause(listener: () => void): () => void;
  /** Resolves at once when running, else when resumed; rejects when `signal` aborts first. */
  whenRunning(signal: AbortSignal): Promise<void>;
}

/**
 * What happens to a merged change next: the deploy runner (`ship/deploy-runner.ts`) ships it when
 * the repository deploys. `shipping: false` leaves the operation `merged` for the merge step to
 * end `done`; `shipping: true` means the runner moved it on (to `deploying`, or `done` with the
 * reason it could not deploy).
 */
export interface DeliveryPort {
  afterMerge(operationId: string): Promise<DeliveryOutcome>;
}

export type DeliveryOutcome = { shipping: false; reason: string } | { shipping: true; deploymentId: string | null; reason?: string };
