/**
 * Hand-written fakes of the pipeline's ports, for step tests that run in milliseconds: no
 * database, no model server, no sandbox. Each fake records what it was asked to do, in one
 * shared `log` where the order matters (a worktree removed before the final transition).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getTableName, type Table } from 'drizzle-orm';
import { loadSettings } from '../../config/load-settings.ts';
import type { Settings } from '../../config/settings-schema.ts';
import type { ModelRole } from '../../agent/model-spec.ts';
import type { RoleModel } from '../../agent/model-router.ts';
import type { ChangeRequestInput, ChangeRequestView, Forge, ForgeRepo, MergeOutcome, MergeRequest } from '../../forge/forge.ts';
import type { Logger } from '../../logging/logger.ts';
import { createRedactor } from '../../safety/redaction.ts';
import { createRateLimiter } from '../../safety/operation-rate-limit.ts';
import type { Executor } from '../../store/database.ts';
import type { RepoRow } from '../../store/repo-store.ts';
import type { CreateWorktreeOptions } from '../../workspace/worktree-manager.ts';
import type { CheckKind, CheckRun, CheckRunner, FocusedTestRun, TestRun } from '../../workspace/check-runner.ts';
import type { RepoCommands } from '../../workspace/detect-commands.ts';
import { InvalidTransitionError, NotFoundError } from '../pipeline-errors.ts';
import type { ApprovalRow, EventInput, JobRequest, NewOperation, OperationPatch, OperationRow, TransitionRequest } from '../operation-store.ts';
import type { OperationStatus } from '../operation-types.ts';
import type { PipelineContext } from '../pipeline-context.ts';
import type { LabelledCounter, OperationRecords, PauseSwitch, RepositoryLookup, StepMetrics, Worktrees } from '../pipeline-ports.ts';
import type { ScriptedModel } from './scripted-model.ts';

/** What happened, in order, across the fakes: `transition executing→verifying`, `worktrees.remove …`. */
export type CallLog = string[];

export interface RecordedEvent {
  operationId: string;
  actor: string;
  type: string;
  data: Record<string, unknown>;
}

/** A row written inside a transition's transaction (an approval requested or decided). */
export interface TransactionWrite {
  table: string;
  kind: 'insert' | 'update';
  values: Record<string, unknown>;
}

/** An operation row with every field a step reads; `overrides` set the ones a test is about. */
export function operationRow(overrides: Partial<OperationRow> = {}): OperationRow {
  const now = new Date('2026-01-01T00:00:00Z');
  return {
    id: 'op1',
    repoId: 'repo1',
    type: 'fix',
    source: 'api',
    description: 'the total ignores the quantity',
    errorContext: null,
    status: 'queued',
    plan: null,
    planMarkdown: null,
    branch: null,
    baseCommit: null,
    headCommit: null,
    mergeCommit: null,
    diffStats: null,
    evidence: {},
    review: null,
    attempts: 0,
    maxAttempts: 3,
    usage: {},
    feedback: null,
    failureReason: null,
    risk: null,
    rollbackOf: null,
    createdBy: 'alice',
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

/**
 * Operations in memory, with the real store's transition rule: the status must be one of
 * `from`, else InvalidTransitionError. `alsoInTransaction` runs against a recording executor.
 */
export class FakeOperationRecords implements OperationRecords {
  readonly rows = new Map<string, OperationRow>();
  readonly transitions: { operationId: string; from: string; request: TransitionRequest }[] = [];
  readonly events: RecordedEvent[] = [];
  readonly jobs: { operationId: string; job: JobRequest }[] = [];
  readonly transactionWrites: TransactionWrite[] = [];
  readonly artifacts = new Map<string, string>();

  constructor(private readonly log: CallLog) {}

  add(row: OperationRow): void {
    this.rows.set(row.id, { ...row });
  }

  async create(values: NewOperation, actor: string, job: JobRequest): Promise<OperationRow> {
    const row = operationRow({ ...(values as Partial<OperationRow>), status: 'queued' });
    this.add(row);
    this.record(row.id, actor, { type: 'operation.created', data: { type: row.type, source: row.source, description: row.description } });
    this.jobs.push({ operationId: row.id, job });
    return { ...row };
  }

  async get(id: string): Promise<OperationRow> {
    const row = this.rows.get(id);
    if (!row) throw new NotFoundError(`operation ${id} does not exist`);
    return { ...row };
  }

  async nonTerminal(): Promise<OperationRow[]> {
    return [...this.rows.values()].filter((row) => !['done', 'failed', 'rejected', 'cancelled', 'rolled_back'].includes(row.status));
  }

  async approvalsOf(id: string): Promise<ApprovalRow[]> {
    return this.transactionWrites
      .filter((write) => write.table === 'approvals' && write.kind === 'insert' && write.values.operationId === id)
      .map((write) => ({ decision: null, decidedBy: null, comment: null, decidedAt: null, requestedAt: new Date(), ...write.values }) as ApprovalRow);
  }

  async transition(id: string, request: TransitionRequest): Promise<OperationRow> {
    const current = await this.get(id);
    if (!request.from.includes(current.status as OperationStatus)) {
      throw new InvalidTransitionError(`operation ${id} is ${current.status}; ${request.event.type} needs it to be ${request.from.join(' or ')}`);
    }
    const updated: OperationRow = { ...current, ...(request.patch as Partial<OperationRow>), status: request.to };
    this.rows.set(id, updated);
    await request.alsoInTransaction?.(recordingExecutor(this.transactionWrites), { ...updated });
    this.transitions.push({ operationId: id, from: current.status, request });
    this.log.push(`transition ${current.status}→${request.to}`);
    this.record(id, request.actor, { type: request.event.type, data: { from: current.status, to: request.to, ...request.event.data } });
    if (request.job) this.jobs.push({ operationId: id, job: request.job });
    return { ...updated };
  }

  async patch(id: string, patch: OperationPatch): Promise<void> {
    const current = await this.get(id);
    this.rows.set(id, { ...current, ...(patch as Partial<OperationRow>) });
  }

  async event(id: string, actor: string, event: EventInput): Promise<void> {
    this.record(id, actor, event);
  }

  async saveArtifact(operationId: string, name: string, content: string): Promise<string> {
    const reference = `artifact-${this.artifacts.size + 1}/${name}`;
    this.artifacts.set(reference, content);
    return reference;
  }

  /** The event types of an operation's timeline, in order. */
  eventTypes(operationId = 'op1'): string[] {
    return this.events.filter((event) => event.operationId === operationId).map((event) => event.type);
  }

  private record(operationId: string, actor: string, event: EventInput): void {
    this.events.push({ operationId, actor, type: event.type, data: event.data ?? {} });
  }
}

/** Just enough of drizzle's executor for the approval writes a transition makes; each is recorded. */
function recordingExecutor(writes: TransactionWrite[]): Executor {
  const executor = {
    insert: (table: Table) => ({
      values: async (values: Record<string, unknown>) => {
        writes.push({ table: getTableName(table), kind: 'insert', values });
      },
    }),
    update: (table: Table) => ({
      set: (values: Record<string, unknown>) => ({
        where: async () => {
          writes.push({ table: getTableName(table), kind: 'update', values });
        },
      }),
    }),
  };
  return executor as unknown as Executor;
}

export class FakeRepositories implements RepositoryLookup {
  constructor(readonly rows: RepoRow[]) {}

  async list(): Promise<RepoRow[]> {
    return [...this.rows];
  }

  async byName(name: string): Promise<RepoRow | undefined> {
    return this.rows.find((row) => row.name === name);
  }

  async byId(id: string): Promise<RepoRow | undefined> {
    return this.rows.find((row) => row.id === id);
  }
}

/**
 * Worktrees that are the repository's own checkout: a test's repository is a throwaway, so the
 * step may change it in place. `create` switches the checkout to the operation's branch at its
 * start point, as a new worktree would be; `createDetached` (planning, read-only) leaves it as is.
 */
export class FakeWorktrees implements Worktrees {
  readonly created: (CreateWorktreeOptions | { repoPath: string; name: string; commit: string })[] = [];

  constructor(private readonly log: CallLog) {}

  async create(options: CreateWorktreeOptions): Promise<string> {
    this.created.push(options);
    this.log.push(`worktrees.create ${options.operationId}`);
    execFileSync('git', ['checkout', '--quiet', options.resetBranch ? '-B' : '-b', options.branch, options.startPoint], {
      cwd: options.repoPath,
      stdio: 'ignore',
    });
    return options.repoPath;
  }

  async createDetached(repoPath: string, name: string, commit: string): Promise<string> {
    this.created.push({ repoPath, name, commit });
    this.log.push(`worktrees.createDetached ${name}`);
    return repoPath;
  }

  async remove(_repoPath: string, operationId: string): Promise<void> {
    this.log.push(`worktrees.remove ${operationId}`);
  }
}

/** The repository's commands, answered from a script: each call's result is whatever the test says. */
export interface CheckScript {
  runTests?: (scope: { changedPaths?: string[] } | undefined, call: number) => TestRun | undefined;
  runChangedTests?: (files: readonly string[], call: number) => FocusedTestRun;
  runCheck?: (kind: CheckKind) => CheckRun | undefined;
}

export class FakeCheckRunner implements CheckRunner {
  readonly calls: string[] = [];
  private testCalls = 0;
  private changedCalls = 0;

  constructor(public script: CheckScript = {}) {}

  async runTests(_root: string, _commands: RepoCommands, _signal: AbortSignal, scope?: { changedPaths?: string[] }): Promise<TestRun | undefined> {
    this.calls.push('runTests');
    return this.script.runTests?.(scope, this.testCalls++);
  }

  async runChangedTests(_root: string, _commands: RepoCommands, files: readonly string[]): Promise<FocusedTestRun> {
    this.calls.push('runChangedTests');
    return this.script.runChangedTests?.(files, this.changedCalls++) ?? { ok: false, reason: 'not scripted' };
  }

  async runCheck(kind: CheckKind): Promise<CheckRun | undefined> {
    this.calls.push(`runCheck ${kind}`);
    return this.script.runCheck?.(kind);
  }
}

/** A test command's result: `failing` are test ids `file::name`, the rest of `passing` passed. */
export function testRun(options: { passing?: string[]; failing?: string[]; exitCode?: number }): TestRun {
  const toCase = (id: string, status: 'passed' | 'failed') => {
    const [file = '', name = id] = id.split('::');
    return { id, file, name, status, ...(status === 'failed' ? { message: `${name} failed` } : {}) };
  };
  const passing = (options.passing ?? []).map((id) => toCase(id, 'passed'));
  const failing = (options.failing ?? []).map((id) => toCase(id, 'failed'));
  const exitCode = options.exitCode ?? (failing.length ? 1 : 0);
  return {
    command: 'npm test',
    report: {
      runner: 'vitest',
      structured: true,
      passed: passing.length,
      failed: failing.length,
      skipped: 0,
      tests: [...passing, ...failing],
      failures: failing,
    },
    exitCode,
    timedOut: false,
    durationMs: 5,
    outputTail: '',
    output: '',
  };
}

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

class RecordingCounter<Label extends string> implements LabelledCounter<Label> {
  readonly increments: { labels: Partial<Record<Label, string>>; value: number }[] = [];

  inc(labels: Partial<Record<Label, string>>, value = 1): void {
    this.increments.push({ labels, value });
  }
}

export class FakeMetrics implements StepMetrics {
  readonly steps: string[] = [];
  readonly modelCalls = new RecordingCounter<'role'>();
  readonly modelTokens = new RecordingCounter<'role' | 'kind'>();

  async timeStep<Result>(step: string, run: () => Promise<Result>): Promise<Result> {
    this.steps.push(step);
    return run();
  }
}

class AlwaysRunning implements PauseSwitch {
  onPause(): () => void {
    return () => undefined;
  }

  async whenRunning(): Promise<void> {}
}

const silentLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A context of fakes, with the parts a test inspects by their concrete fake types. */
export interface FakePipelineContext extends PipelineContext {
  operations: FakeOperationRecords;
  repos: FakeRepositories;
  worktrees: FakeWorktrees;
  checks: FakeCheckRunner;
  forge: FakeForge;
  metrics: FakeMetrics;
  /** Every model the steps asked for, by role; a role without a script fails the turn loudly. */
  models: Partial<Record<ModelRole, ScriptedModel>>;
  log: Logger;
  calls: CallLog;
}

/** Settings as a fresh install has them (nothing from the environment), with `overrides` on top. */
export function defaultSettings(overrides: Partial<Settings> = {}): Settings {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-settings-'));
  try {
    return { ...loadSettings({}, empty).settings, ...overrides };
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
}

export function fakePipelineContext(options: {
  repo: RepoRow;
  settings?: Partial<Settings>;
  models?: Partial<Record<ModelRole, ScriptedModel>>;
  checks?: CheckScript;
}): FakePipelineContext {
  const calls: CallLog = [];
  const models = options.models ?? {};
  return {
    settings: defaultSettings(options.settings),
    operations: new FakeOperationRecords(calls),
    repos: new FakeRepositories([options.repo]),
    worktrees: new FakeWorktrees(calls),
    checks: new FakeCheckRunner(options.checks),
    forge: new FakeForge(calls),
    redactor: createRedactor([]),
    modelFor: (role: ModelRole): RoleModel => {
      const model = models[role];
      if (!model) throw new Error(`no scripted model for the ${role} in this test`);
      return { role, spec: { provider: 'openai-compatible', model: `scripted-${role}` }, model: model.languageModel };
    },
    metrics: new FakeMetrics(),
    control: new AlwaysRunning(),
    fileRateLimiter: createRateLimiter({ limit: 1_000, windowMs: 60_000 }),
    log: silentLogger,
    models,
    calls,
  };
}
