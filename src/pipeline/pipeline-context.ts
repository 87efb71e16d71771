import type { Settings } from '../config/settings-schema.ts';
import type { RoleModel } from '../agent/model-router.ts';
import type { ModelRole } from '../domain/model-role.ts';
import type { Redactor } from '../safety/redaction.ts';
import type { CheckRunner } from '../workspace/check-runner.ts';
import type { Forge } from '../forge/forge.ts';
import type { Logger } from '../logging/logger.ts';
import type { DeliveryPort, OperationRecords, PauseSwitch, RepoCheckouts, RepositoryLookup, StepMetrics, Worktrees } from './pipeline-ports.ts';
import type { RateLimiter } from '../safety/operation-rate-limit.ts';
import type { AgentExtensionsSource } from './agent-extensions-port.ts';
import type { GatePolicy } from '../policy/gate-policy.ts';
import type { GateFactSource } from './gate-facts.ts';

/**
 * What the pipeline's steps need, chosen at start-up; steps never build their own backends.
 * Every member is an interface, so a step's test can hand in fakes (`testing/fake-pipeline-context.ts`).
 */
export interface PipelineContext {
  settings: Settings;
  operations: OperationRecords;
  repos: RepositoryLookup;
  /** Where this process finds a repository (a worker on its own disk: its cache of the remote); absent: the registered path. */
  checkouts?: RepoCheckouts;
  worktrees: Worktrees;
  checks: CheckRunner;
  /** The same commands without the sandbox, for comparing a failing baseline; only when settings allow it. */
  baselineComparisonChecks?: CheckRunner;
  forge: Forge;
  redactor: Redactor;
  modelFor: (role: ModelRole) => RoleModel;
  metrics: StepMetrics;
  control: PauseSwitch;
  /** File operations per minute, keyed by operation. */
  fileRateLimiter: RateLimiter;
  log: Logger;
  /** Skills and external MCP servers' tools (from .mcp.json) for planner and coder turns. */
  agentExtensions: AgentExtensionsSource;
  /** The policy in force: every gate (plan, change, rollback) is decided by its rules. */
  policy: GatePolicy;
  /** Facts gates read from the database: affected users, rollbacks of an issue, merges today. */
  gateFacts: GateFactSource;
  /** Ships a merged change (the deploy runner); absent: a merged change is done at the merge. */
  delivery?: DeliveryPort;
}
