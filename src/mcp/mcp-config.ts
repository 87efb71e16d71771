import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** One external MCP server, as `.mcp.json` describes it (the format Claude Code uses). */
export type ExternalServerConfig =
  | { name: string; transport: 'stdio'; command: string; args: string[]; env: Record<string, string>; cwd: string }
  | { name: string; transport: 'http'; url: string; headers: Record<string, string> };

export interface McpConfigFile {
  file: string;
  /** Whose file it is: Mender's operator, or a target repository (untrusted). */
  origin: 'operator' | 'repository';
  servers: ExternalServerConfig[];
}

/** A `.mcp.json` that cannot be used: names the file and what to fix. */
export class McpConfigError extends Error {
  override name = 'McpConfigError';
}

const serverName = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'server names are 1-32 letters, digits, dash or underscore');
const stringMap = z.record(z.string(), z.string()).default({});
const stdioServer = z.object({
  type: z.literal('stdio').optional(),
  command: z.string().min(1, 'command is empty'),
  args: z.array(z.string()).default([]),
  env: stringMap,
});
const httpServer = z.object({ type: z.enum(['http', 'streamable-http']).optional(), url: z.url('url must be an http(s) URL'), headers: stringMap });
const configFile = z.object({
  mcpServers: z.record(
    serverName,
    z.unknown().transform((value, context) => {
      const record = value as { type?: unknown; url?: unknown; command?: unknown };
      if (record && typeof record === 'object' && record.type === 'sse') {
        context.addIssue({ code: 'custom', message: 'type "sse" is not supported: use a streamable HTTP url ("type": "http") or a stdio command' });
        return z.NEVER;
      }
      const schema = record && typeof record === 'object' && 'url' in record ? httpServer : stdioServer;
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) context.addIssue({ code: 'custom', message: `${issue.path.join('.') || 'server'}: ${issue.message}` });
        return z.NEVER;
      }
      return parsed.data;
    }),
  ),
});

// `${NAME}` and `${NAME:-default}`, as Claude Code expands them in .mcp.json.
const variableReference = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Reads and checks a `.mcp.json`. Only the operator's file may refer to Mender's environment with
 * `${NAME}`: a repository's file could otherwise copy Mender's secrets into a program it starts.
 */
export function readMcpConfig(file: string, origin: McpConfigFile['origin'], env: NodeJS.ProcessEnv = process.env): McpConfigFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new McpConfigError(
      `MCP config ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): check MENDER_MCP_CONFIG`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new McpConfigError(`MCP config ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = configFile.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'file'}: ${issue.message}`).join('; ');
    throw new McpConfigError(`MCP config ${file}: ${problems}. Expected {"mcpServers": {"name": {"command", "args", "env"} or {"url", "headers"}}}`);
  }
  const expand = (value: string, where: string): string => {
    if (origin === 'repository') {
      if (value.search(variableReference) >= 0)
        throw new McpConfigError(`MCP config ${file}: ${where} refers to an environment variable; a repository's .mcp.json may not read Mender's environment`);
      return value;
    }
    return value.replace(variableReference, (_match, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      throw new McpConfigError(`MCP config ${file}: ${where} needs the environment variable ${name}, which is not set`);
    });
  };
  const expandAll = (values: Record<string, string>, where: string) =>
    Object.fromEntries(Object.entries(values).map(([key, value]) => [key, expand(value, `${where}.${key}`)]));
  const servers = Object.entries(parsed.data.mcpServers).map(([name, server]): ExternalServerConfig => {
    const where = `mcpServers.${name}`;
    if ('url' in server) return { name, transport: 'http', url: expand(server.url, `${where}.url`), headers: expandAll(server.headers, `${where}.headers`) };
    return {
      name,
      transport: 'stdio',
      command: expand(server.command, `${where}.command`),
      args: server.args.map((arg, index) => expand(arg, `${where}.args.${index}`)),
      env: expandAll(server.env, `${where}.env`),
      cwd: path.dirname(file),
    };
  });
  return { file, origin, servers };
}
