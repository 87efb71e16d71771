/**
 * A pipeline context of hand-written fakes, for step tests that run in milliseconds: no
 * database, no model server, no sandbox. Each fake records what it was asked to do, and the
 * shared call log keeps the order where it matters (a worktree removed before the final
 * transition).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSettings } from '../../config/load-settings.ts';
import { GatePolicy } from '../../policy/gate-policy.ts';
import { loadPolicy } from '../../policy/load-policy.ts';
import type { Settings } from '../../config/settings-schema.ts';
import type { ModelRole } from '../../domain/model-role.ts';
import type { RoleModel } from '../../agent/model-router.ts';
import type { Logger } from '../../logging/logger.ts';
import { createRedactor } from '../../safety/redaction.ts';
import { createRateLimiter } from '../../safety/operation-rate-limit.ts';
import type { RepoRow } from '../../store/repo-store.ts';
import type { PipelineContext } from '../pipeline-context.ts';
import type { LabelledCounter, PauseSwitch, RepositoryLookup, StepMetrics } from '../pipeline-ports.ts';
import type { CallLog } from './call-log.ts';
import { FakeCheckRunner, type CheckScript } from './fake-check-runner.ts';
import { FakeForge } from './fake-forge.ts';
import { FakeOperationRecords } from './fake-operation-records.ts';
import { FakeWorktrees } from './fake-worktrees.ts';
import type { ScriptedModel } from './scripted-model.ts';

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
  readonly modelCost = new RecordingCounter<'role'>();

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
    // No skills and no external MCP servers in step tests.
    agentExtensions: async () => ({ tools: [], skillsSection: undefined }),
    modelFor: (role: ModelRole): RoleModel => {
      const model = models[role];
      if (!model) throw new Error(`no scripted model for the ${role} in this test`);
      return { role, spec: { provider: 'openai-compatible', model: `scripted-${role}` }, model: model.languageModel };
    },
    metrics: new FakeMetrics(),
    control: new AlwaysRunning(),
    fileRateLimiter: createRateLimiter({ limit: 1_000, windowMs: 60_000 }),
    log: silentLogger,
    // The built-in policy on the real clock; no detected issues and no merges yet.
    policy: new GatePolicy(loadPolicy(undefined), 'UTC', () => new Date()),
    gateFacts: { issueFacts: async () => ({ affectedUsers: 0, rollbacksOfIssue: 0 }), mergedSince: async () => 0 },
    models,
    calls,
  };
}
