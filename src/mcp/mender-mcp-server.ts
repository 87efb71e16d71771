import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { Redactor } from '../safety/redaction.ts';
import type { Tool, ToolContext, ToolResult } from '../tools/tool.ts';
import type { selfServerName, ServedServerName, ServedTool } from './served-tools.ts';

export interface MenderMcpServerOptions {
  server: ServedServerName | typeof selfServerName;
  tools: ServedTool[];
  /** Real path of the jail; every tool call runs with it as the root. */
  root: string;
  redactor: Redactor;
  /** Only tools of kind `read` are offered (viewers over HTTP). */
  readOnly?: boolean;
  /** Keys the rate limiter: one key per client connection or caller. */
  callerKey: string;
  version: string;
}

// Tools that remove what they touch: a client may want to confirm them with its user.
const destructiveTools = new Set(['filesystem__deleteFile', 'filesystem__writeFile', 'filesystem__editFile']);

/** What an MCP client is told about a tool's effects, from its kind. */
export function annotationsFor(tool: Tool): ToolAnnotations {
  if (tool.kind === 'read') return { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
  return { readOnlyHint: false, destructiveHint: destructiveTools.has(tool.name), idempotentHint: false, openWorldHint: false };
}

/**
 * An MCP server over Mender's own tool objects: the same schemas, policy and sandbox as the agent
 * gets. A refusal (a path outside the jail, a denied file) is a tool result with isError and the
 * typed error code, as the agent sees it.
 */
export function createMenderMcpServer(options: MenderMcpServerOptions): McpServer {
  const server = new McpServer({ name: `mender-${options.server}`, version: options.version }, { capabilities: { tools: {} } });
  const offered = options.readOnly ? options.tools.filter(({ tool }) => tool.kind === 'read') : options.tools;
  for (const { mcpName, tool } of offered) {
    server.registerTool(
      mcpName,
      { description: tool.description, inputSchema: tool.inputSchema, annotations: annotationsFor(tool) },
      async (input: unknown, extra: { signal: AbortSignal }) => {
        const context: ToolContext = {
          root: options.root,
          operationId: options.callerKey,
          signal: extra.signal,
          saveArtifact: (name, content) => saveOutsideRoot(name, options.redactor.redact(content)),
        };
        let result: ToolResult;
        try {
          result = await tool.execute(input, context);
        } catch (error) {
          result = { ok: false, error: { code: 'io_error', message: error instanceof Error ? error.message : String(error) } };
        }
        return toCallToolResult(result, options.redactor);
      },
    );
  }
  return server;
}

/** A Mender tool result as an MCP tool result: text for the model, structured data alongside. */
export function toCallToolResult(result: ToolResult, redactor: Redactor): CallToolResult {
  if (!result.ok) return { isError: true, content: [{ type: 'text', text: redactor.redact(`${result.error.code}: ${result.error.message}`) }] };
  const text = result.text ?? (typeof result.data === 'string' ? result.data : JSON.stringify(result.data, null, 1));
  return { content: [{ type: 'text', text: redactor.redact(text) }] };
}

/** Long outputs (git diffs) are kept whole in a private temporary folder, never inside the jail. */
async function saveOutsideRoot(name: string, content: string): Promise<string> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-mcp-artifact-'));
  const file = path.join(folder, path.basename(name));
  fs.writeFileSync(file, content, { mode: 0o600 });
  return file;
}
