import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ToolListChangedNotificationSchema, type CallToolResult, type Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../logging/logger.ts';
import type { ExternalServerConfig } from './mcp-config.ts';
import { menderVersion } from './mender-version.ts';

const connectTimeoutMs = 30_000;

/**
 * One external MCP server, connected on first use and kept for the life of the process (starting
 * an `npx` server per turn would cost seconds each time). A server that exits is started again on
 * the next use. Its program gets only the environment its config names, plus the SDK's safe
 * defaults (PATH, HOME, USER, LOGNAME, SHELL, TERM): never Mender's own secrets.
 */
export class ExternalServer {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private tools: McpTool[] | undefined;

  constructor(
    readonly config: ExternalServerConfig,
    private readonly log: Logger,
  ) {}

  get name(): string {
    return this.config.name;
  }

  async listTools(): Promise<McpTool[]> {
    if (this.tools) return this.tools;
    const client = await this.connect();
    const tools: McpTool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: connectTimeoutMs });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    this.tools = tools;
    return tools;
  }

  async callTool(name: string, input: unknown, signal: AbortSignal, timeoutMs: number): Promise<CallToolResult> {
    const client = await this.connect();
    const result = await client.callTool({ name, arguments: (input ?? {}) as Record<string, unknown> }, undefined, { signal, timeout: timeoutMs });
    return result as CallToolResult;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.connecting = undefined;
    this.tools = undefined;
    await client?.close().catch(() => undefined);
  }

  private connect(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<Client> {
    const client = new Client({ name: 'mender', version: menderVersion });
    const transport = this.transport();
    // A server whose tools change says so: the next turn lists them again.
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      this.tools = undefined;
    });
    client.onclose = () => {
      if (this.client === client) {
        this.client = undefined;
        this.tools = undefined;
        this.log.warn('external MCP server closed; it starts again on next use', { server: this.name });
      }
    };
    try {
      await client.connect(transport, { timeout: connectTimeoutMs });
    } catch (error) {
      await client.close().catch(() => undefined);
      throw new Error(`MCP server ${this.name} could not be started: ${(error as Error).message}`);
    }
    this.client = client;
    this.log.info('external MCP server connected', { server: this.name, transport: this.config.transport });
    return client;
  }

  private transport(): Transport {
    const config = this.config;
    if (config.transport === 'http') return new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers: config.headers } });
    const transport = new StdioClientTransport({ command: config.command, args: config.args, env: config.env, cwd: config.cwd, stderr: 'pipe' });
    transport.stderr?.on('data', (chunk: Buffer) =>
      this.log.debug('external MCP server stderr', { server: config.name, text: chunk.toString().slice(0, 2_000) }),
    );
    return transport;
  }
}
