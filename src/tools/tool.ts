import type { z } from 'zod';

/** What a tool may do; policy and the roles decide which kinds each agent gets. */
export type ToolKind = 'read' | 'edit' | 'execute' | 'plan';

/** Typed failure codes the model can act on; cancellation stops a run through its signal instead. */
export type ToolErrorCode =
  | 'invalid_arguments'
  | 'path_outside_root'
  | 'path_denied'
  | 'not_found'
  | 'not_a_file'
  | 'not_a_directory'
  | 'too_large'
  | 'rate_limited'
  | 'invalid_range'
  | 'command_failed'
  | 'command_timed_out'
  | 'not_configured'
  | 'io_error'
  | 'cancelled'
  // External MCP tools that wait for a human (src/mcp/external-tools.ts).
  | 'tool_denied'
  | 'approval_timed_out';

export type ToolResult<Data = unknown> =
  | { ok: true; data: Data; /** shown to the model instead of JSON of data, when set */ text?: string }
  | { ok: false; error: { code: ToolErrorCode; message: string } };

/** Everything a tool needs from the operation it runs for. */
export interface ToolContext {
  /** Absolute real path of the worktree: the jail. */
  root: string;
  operationId: string;
  signal: AbortSignal;
  /** Keeps a long output whole, outside the model's context; returns the artifact's name. */
  saveArtifact(name: string, content: string): Promise<string>;
}

export interface Tool<Input = any, Data = unknown> {
  name: string;
  description: string;
  inputSchema: z.ZodType<Input>;
  /** A JSON Schema given to the model instead of inputSchema (external MCP tools bring their own). */
  inputJsonSchema?: Record<string, unknown>;
  kind: ToolKind;
  execute(input: Input, context: ToolContext): Promise<ToolResult<Data>>;
}

export function toolError(code: ToolErrorCode, message: string): ToolResult<never> {
  return { ok: false, error: { code, message } };
}
