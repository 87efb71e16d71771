import type { PathPolicy } from '../safety/path-policy.ts';
import type { Tool } from '../tools/tool.ts';

/** What a planner or coder turn asks for, besides Mender's own tools. */
export interface AgentExtensionsRequest {
  role: 'planner' | 'coder';
  operationId: string;
  /** The jail of the turn's worktree: repository skills are read through it. */
  policy: PathPolicy;
  /** The registered checkout: its `.mcp.json` is honoured only when trusted by setting. */
  repoPath: string;
  /** Names of the tools the turn already has. */
  reservedNames: string[];
}

export interface AgentExtensions {
  tools: Tool[];
  /** Names and descriptions of the skills, for the prompt; undefined when there are none. */
  skillsSection: string | undefined;
}

/**
 * The pipeline's port for skills and external MCP servers' tools: the pipeline owns this
 * interface, mcp/ implements it and the composition root passes it in, so the pipeline does
 * not import an adapter.
 */
export type AgentExtensionsSource = (request: AgentExtensionsRequest) => Promise<AgentExtensions>;
