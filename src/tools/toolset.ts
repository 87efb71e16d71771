import type { ModelRole } from '../domain/model-role.ts';
import type { PathPolicy } from '../safety/path-policy.ts';
import type { RateLimiter } from '../safety/operation-rate-limit.ts';
import type { CheckRunner } from '../workspace/check-runner.ts';
import type { RepoCommands } from '../workspace/detect-commands.ts';
import { createFilesystemTools } from './filesystem/filesystem-tools.ts';
import { createGitTools } from './git/git-tools.ts';
import { createTestRunnerTools } from './test-runner/test-runner-tools.ts';
import type { Tool, ToolKind } from './tool.ts';

export interface ToolsetOptions {
  role: ModelRole;
  policy: PathPolicy;
  checks: CheckRunner;
  commands: RepoCommands;
  /** Shared across an operation's turns, so the per-minute limit holds for the operation. */
  rateLimiter: RateLimiter;
}

// What each role may do: the planner and reviewer read; the coder also edits and runs checks.
const kindsForRole: Record<ModelRole, readonly ToolKind[]> = {
  planner: ['read'],
  reviewer: ['read'],
  coder: ['read', 'edit', 'execute'],
};

/** The tools a role is offered; tools it may not use are not offered at all. */
export function buildToolset(options: ToolsetOptions): Tool[] {
  const all = [
    ...createFilesystemTools({ policy: options.policy, rateLimiter: options.rateLimiter }),
    ...createGitTools({ denyPatterns: options.policy.denyPatterns }),
    ...createTestRunnerTools({ checks: options.checks, commands: options.commands }),
  ];
  const allowed = kindsForRole[options.role];
  return all.filter((tool) => allowed.includes(tool.kind));
}
