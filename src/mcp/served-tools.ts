import type { Settings } from '../config/settings-schema.ts';
import { createPathPolicy, defaultDenyPatterns, type PathPolicy } from '../safety/path-policy.ts';
import { guardProtectedPaths } from '../tools/protected-path-guard.ts';
import { createProtectedPathMatcher, defaultProtectedPaths } from '../safety/protected-paths.ts';
import type { RateLimiter } from '../safety/operation-rate-limit.ts';
import { createFilesystemTools } from '../tools/filesystem/filesystem-tools.ts';
import { createGitTools } from '../tools/git/git-tools.ts';
import { createTestRunnerTools } from '../tools/test-runner/test-runner-tools.ts';
import { toolError, type Tool } from '../tools/tool.ts';
import type { CheckRunner } from '../workspace/check-runner.ts';
import { detectCommands, type RepoCommands } from '../workspace/detect-commands.ts';
import type { WorktreeManager } from '../workspace/worktree-manager.ts';
import { inThrowawayWorktree } from './throwaway-worktree.ts';
import type { Actor } from '../domain/roles.ts';
import { createSelfImproveTool, selfImproveToolName, type SelfImproveServices } from './self-improve-tool.ts';

/** The MCP servers Mender serves; each is one group of its agent tools. */
export const servedServerNames = ['filesystem', 'git', 'test-runner'] as const;
export type ServedServerName = (typeof servedServerNames)[number];

// The prefix of a tool's canonical name (DESIGN.md) for each server: `filesystem__readFile` is `readFile` on `filesystem`.
const prefixOf: Record<ServedServerName, string> = { filesystem: 'filesystem__', git: 'git__', 'test-runner': 'testRunner__' };

export interface ServedToolsOptions {
  server: ServedServerName;
  /** Real path of the checkout the tools are jailed to. */
  root: string;
  settings: Settings;
  checks: CheckRunner;
  rateLimiter: RateLimiter;
  /** Overrides the commands detected from the checkout's package.json (a registered repository's own). */
  commandOverrides?: RepoCommands;
  /**
   * The edit tools refuse: root is a registered repository's live checkout, served to other
   * people (the /mcp routes). `mender mcp serve` on a folder of one's own leaves this off.
   */
  refuseEdits?: boolean;
  /** Where the test-runner tools run repository code instead of root: a throwaway worktree per call (throwaway-worktree.ts). */
  throwawayWorktrees?: WorktreeManager;
}

export interface ServedTool {
  /** The name on the MCP server: the canonical name without its `server__` prefix. */
  mcpName: string;
  tool: Tool;
}

/**
 * The server of Mender's requests about itself (issue 17): `self_improve` and no file tools. It
 * needs the pipeline and the caller, so it is served over HTTP only (`/mcp/self`), not on stdio.
 */
export const selfServerName = 'self';

/** The self server's tools for one caller: their role decides what the tool lets them do. */
export function servedSelfTools(services: SelfImproveServices, actor: Actor): ServedTool[] {
  return [{ mcpName: selfImproveToolName, tool: createSelfImproveTool(services, actor) }];
}

export function isServedServerName(name: string): name is ServedServerName {
  return (servedServerNames as readonly string[]).includes(name);
}

/** The path jail with the configured deny list and limits, as the agent gets it (pipeline/operation-workspace.ts). */
export function servedPathPolicy(root: string, settings: Settings): PathPolicy {
  return createPathPolicy({
    root,
    denyPatterns: [...defaultDenyPatterns, ...(settings.denyPatterns ?? [])],
    maxReadBytes: settings.maxReadBytes,
    maxWriteBytes: settings.maxWriteBytes,
    deniedFolders: [settings.dataDir],
  });
}

/**
 * Over /mcp the tools act on the registered repository's live checkout, where nothing may change
 * outside an operation (issue 12, finding 1): an edit tool answers with a refusal that says how
 * to get the change made, a worktree and a change request with its review and approvals.
 */
function refuseEditsOnCheckout(tools: Tool[]): Tool[] {
  return tools.map((tool): Tool => {
    if (tool.kind !== 'edit') return tool;
    return {
      ...tool,
      execute: async () =>
        toolError(
          'tool_denied',
          `${tool.name} does not change a registered repository's live checkout over MCP: changes go through an operation (its own worktree, tests red then green, review and approval, then a merge or a pull request). Start one with POST /api/operations, the dashboard or \`mender fix "<what to change>" --repo <name>\`; the read tools keep working here.`,
        ),
    };
  });
}

/**
 * The very tool objects the agent uses, for one server: same schemas, same path policy, same
 * protected-path refusal and the same sandboxed command runner.
 */
export function servedTools(options: ServedToolsOptions): ServedTool[] {
  const { settings } = options;
  const policy = servedPathPolicy(options.root, settings);
  let tools: Tool[];
  if (options.server === 'filesystem') {
    const filesystem = createFilesystemTools({ policy, rateLimiter: options.rateLimiter });
    const guarded =
      settings.protectedPathAction === 'refuse'
        ? guardProtectedPaths(filesystem, policy, createProtectedPathMatcher(settings.protectedPaths ?? defaultProtectedPaths))
        : filesystem;
    tools = options.refuseEdits ? refuseEditsOnCheckout(guarded) : guarded;
  } else if (options.server === 'git') {
    tools = createGitTools({ denyPatterns: policy.denyPatterns });
  } else {
    const runners = createTestRunnerTools({ checks: options.checks, commands: detectCommands(options.root, options.commandOverrides) });
    tools = options.throwawayWorktrees ? inThrowawayWorktree(runners, { checkout: options.root, worktrees: options.throwawayWorktrees }) : runners;
  }
  const prefix = prefixOf[options.server];
  return tools.map((tool) => ({ mcpName: tool.name.startsWith(prefix) ? tool.name.slice(prefix.length) : tool.name, tool }));
}
