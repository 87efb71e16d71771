import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { CallToolResult, Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../logging/logger.ts';
import { globToRegularExpression } from '../safety/path-policy.ts';
import { toolError, type Tool, type ToolResult } from '../tools/tool.ts';
import { ExternalServer } from './external-server.ts';
import { McpConfigError, readMcpConfig, type McpConfigFile } from './mcp-config.ts';
import type { ToolCallApprovals } from './tool-call-approvals.ts';

/** allow: runs directly; ask: waits for a team lead; deny: not offered. Deny is evaluated first. */
export type ExternalToolDecision = 'allow' | 'ask' | 'deny';

export interface ExternalToolPolicy {
  /** `<server>__<tool>` globs that run without approval (and are offered to the planner). */
  allow: readonly string[];
  /** `<server>__<tool>` globs never offered. */
  deny: readonly string[];
}

export interface ExternalToolsOptions {
  /** Mender's own `.mcp.json`, already read and checked at start-up. */
  operatorConfig?: McpConfigFile;
  /** Honour a target repository's `.mcp.json` too: repository content then starts programs on this machine. */
  trustRepositoryConfig: boolean;
  policy: ExternalToolPolicy;
  approvals: ToolCallApprovals;
  callTimeoutMs: number;
  log: Logger;
}

export interface ExternalToolsForTurn {
  tools: Tool[];
  /** Servers that could not be used, each with the reason: shown on the timeline, the turn goes on. */
  problems: string[];
}

const modelToolName = /^[A-Za-z0-9_-]{1,64}$/;

/** `<server>__<tool>` in the charset models accept (letters, digits, `_`, `-`; at most 64). */
export function externalToolName(server: string, tool: string): string {
  const name = `${server}__${tool}`.replace(/[^A-Za-z0-9_-]/g, '_');
  return name.length <= 64 ? name : name.slice(0, 64);
}

export function decideExternalTool(server: string, tool: McpTool, policy: ExternalToolPolicy): ExternalToolDecision {
  const fullName = `${server}__${tool.name}`;
  const matches = (patterns: readonly string[]) => patterns.some((pattern) => globToRegularExpression(pattern).test(fullName));
  if (matches(policy.deny)) return 'deny';
  if (matches(policy.allow) || tool.annotations?.readOnlyHint === true) return 'allow';
  return 'ask';
}

/**
 * External MCP servers' tools as the agent's tools. The planner gets the ones that run directly
 * (read-only or allowlisted); the coder also gets the ones that wait for approval.
 */
export class ExternalTools {
  private readonly operatorServers: ExternalServer[];
  private readonly repositoryServers = new Map<string, ExternalServer[] | McpConfigError>();

  constructor(private readonly options: ExternalToolsOptions) {
    this.operatorServers = (options.operatorConfig?.servers ?? []).map((config) => new ExternalServer(config, options.log));
  }

  /** The tools for one agent turn; `reserved` are names already taken (Mender's own tools). */
  async toolsFor(role: 'planner' | 'coder' | 'reviewer', repoPath: string, reserved: Iterable<string>): Promise<ExternalToolsForTurn> {
    if (role === 'reviewer') return { tools: [], problems: [] };
    const problems: string[] = [];
    const servers = [...this.operatorServers];
    const fromRepository = this.repositoryServersFor(repoPath);
    if (fromRepository instanceof McpConfigError) problems.push(fromRepository.message);
    else servers.push(...fromRepository);
    const taken = new Set(reserved);
    const tools: Tool[] = [];
    for (const server of servers) {
      let listed: McpTool[];
      try {
        listed = await server.listTools();
      } catch (error) {
        problems.push(`MCP server ${server.name}: ${(error as Error).message}`);
        continue;
      }
      for (const mcpTool of listed) {
        const decision = decideExternalTool(server.name, mcpTool, this.options.policy);
        if (decision === 'deny' || (role === 'planner' && decision !== 'allow')) continue;
        const name = externalToolName(server.name, mcpTool.name);
        if (!modelToolName.test(name) || taken.has(name)) {
          problems.push(`MCP server ${server.name}: tool ${mcpTool.name} is left out, its name ${name} is taken or not allowed`);
          continue;
        }
        taken.add(name);
        tools.push(this.toTool(server, mcpTool, name, decision));
      }
    }
    return { tools, problems };
  }

  async close(): Promise<void> {
    const all = [...this.operatorServers, ...[...this.repositoryServers.values()].flatMap((servers) => (servers instanceof McpConfigError ? [] : servers))];
    await Promise.all(all.map((server) => server.close()));
  }

  /** A repository's own `.mcp.json`, only when trusted by setting; read once per process. */
  private repositoryServersFor(repoPath: string): ExternalServer[] | McpConfigError {
    if (!this.options.trustRepositoryConfig) return [];
    const cached = this.repositoryServers.get(repoPath);
    if (cached) return cached;
    const file = path.join(repoPath, '.mcp.json');
    let result: ExternalServer[] | McpConfigError = [];
    try {
      if (fs.lstatSync(file, { throwIfNoEntry: false })?.isFile()) {
        const config = readMcpConfig(file, 'repository');
        result = config.servers.map((server) => new ExternalServer({ ...server, name: server.name }, this.options.log));
        this.options.log.warn('starting MCP servers from a repository .mcp.json (MENDER_MCP_TRUST_REPO_CONFIG=true)', {
          file,
          servers: config.servers.map((server) => server.name),
        });
      }
    } catch (error) {
      result = error instanceof McpConfigError ? error : new McpConfigError(`MCP config ${file}: ${(error as Error).message}`);
    }
    this.repositoryServers.set(repoPath, result);
    return result;
  }

  private toTool(server: ExternalServer, mcpTool: McpTool, name: string, decision: 'allow' | 'ask'): Tool {
    const { approvals, callTimeoutMs } = this.options;
    const readOnly = mcpTool.annotations?.readOnlyHint === true;
    const note = decision === 'ask' ? ' Each call waits until a team lead approves it.' : '';
    return {
      name,
      description: `${(mcpTool.description ?? mcpTool.title ?? mcpTool.name).slice(0, 1_000)} (tool ${mcpTool.name} of the MCP server "${server.name}".${note})`,
      inputSchema: z.record(z.string(), z.unknown()),
      inputJsonSchema: mcpTool.inputSchema as Record<string, unknown>,
      kind: readOnly ? 'read' : 'execute',
      execute: async (input, context): Promise<ToolResult> => {
        if (decision === 'ask') {
          const { outcome, callId } = await approvals.awaitDecision({
            operationId: context.operationId,
            tool: name,
            server: server.name,
            input,
            signal: context.signal,
          });
          if (outcome === 'denied')
            return toolError(
              'tool_denied',
              `a team lead denied this call of ${name} (call ${callId}); do not call it again with these arguments: carry on without it`,
            );
          if (outcome === 'timed_out')
            return toolError('approval_timed_out', `no one approved this call of ${name} (call ${callId}) in time; carry on without it`);
          if (outcome === 'aborted') return toolError('cancelled', 'the operation was paused or cancelled while the call waited for approval');
        }
        let result: CallToolResult;
        try {
          result = await server.callTool(mcpTool.name, input, context.signal, callTimeoutMs);
        } catch (error) {
          if (context.signal.aborted) return toolError('cancelled', 'the operation was cancelled');
          return toolError('command_failed', `MCP server ${server.name} failed on ${mcpTool.name}: ${(error as Error).message}`);
        }
        const text = contentText(result);
        if (result.isError) return toolError('command_failed', text || `${mcpTool.name} failed without a message`);
        return { ok: true, data: result.structuredContent ?? text, text: text || JSON.stringify(result.structuredContent ?? {}) };
      },
    };
  }
}

/** The text of an MCP result; other content kinds are named, not inlined. */
function contentText(result: CallToolResult): string {
  return (result.content ?? [])
    .map((block) => {
      if (block.type === 'text') return block.text;
      if (block.type === 'resource_link') return `[resource ${block.uri}]`;
      if (block.type === 'resource') return 'text' in block.resource ? block.resource.text : `[binary resource ${block.resource.uri}]`;
      return `[${block.type} content omitted]`;
    })
    .join('\n');
}
