import type { Settings } from '../config/settings-schema.ts';
import type { RoleModel } from '../agent/model-router.ts';
import type { ModelRole } from '../domain/model-role.ts';
import type { Redactor } from '../safety/redaction.ts';
import type { RepoStore } from '../store/repo-store.ts';
import type { WorktreeManager } from '../workspace/worktree-manager.ts';
import type { CheckRunner } from '../workspace/check-runner.ts';
import type { Forge } from '../forge/forge.ts';
import type { Logger } from '../logging/logger.ts';
import type { OperationStore } from './operation-store.ts';
import type { PipelineMetrics } from './pipeline-metrics.ts';
import type { AgentControl } from './agent-control.ts';
import type { RateLimiter } from '../safety/operation-rate-limit.ts';
import type { AgentExtensionsSource } from './agent-extensions-port.ts';

/** What the pipeline's steps need, chosen at start-up; steps never build their own backends. */
export interface PipelineContext {
  settings: Settings;
  operations: OperationStore;
  repos: RepoStore;
  worktrees: WorktreeManager;
  checks: CheckRunner;
  /** The same commands without the sandbox, for comparing a failing baseline; only when settings allow it. */
  baselineComparisonChecks?: CheckRunner;
  forge: Forge;
  redactor: Redactor;
  modelFor: (role: ModelRole) => RoleModel;
  metrics: PipelineMetrics;
  control: AgentControl;
  /** File operations per minute, keyed by operation. */
  fileRateLimiter: RateLimiter;
  log: Logger;
  /** Skills and external MCP servers' tools (from .mcp.json) for planner and coder turns. */
  agentExtensions: AgentExtensionsSource;
}
