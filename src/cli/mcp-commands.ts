import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { loadSettings, secretSettingValues } from '../config/load-settings.ts';
import { ConfigError } from '../config/config-error.ts';
import { createLogger } from '../logging/logger.ts';
import { createMenderMcpServer } from '../mcp/mender-mcp-server.ts';
import { menderVersion } from '../mcp/mender-version.ts';
import { isServedServerName, selfServerName, servedServerNames, servedTools } from '../mcp/served-tools.ts';
import { createDenyMatcher, defaultDenyPatterns } from '../safety/path-policy.ts';
import { createRateLimiter } from '../safety/operation-rate-limit.ts';
import { createRedactor, secretValuesFromEnvironment } from '../safety/redaction.ts';
import { sensitiveHomeFolders } from '../main/start-mender.ts';
import { createCheckRunner } from '../workspace/check-runner.ts';
import type { ApiClient } from './api-client.ts';
import type { ToolCallList, ToolCallView } from '../server/api-types.ts';

/** `mender mcp <server> --root PATH` (stdio MCP servers) and the tool-call approval commands. */
export function registerMcpCommands(program: Command, client: () => ApiClient): void {
  program
    .command('mcp <server>')
    .description(`serve Mender's tools over MCP on stdin/stdout: ${servedServerNames.join(', ')} (same path policy and sandbox as the agent)`)
    .requiredOption('--root <path>', 'the checkout the tools are jailed to')
    .action(async (server: string, options: { root: string }) => {
      await serveOverStdio(server, options.root);
    });
  registerToolCallCommands(program, client);
}

async function serveOverStdio(server: string, rootOption: string): Promise<void> {
  if (server === selfServerName)
    throw new ConfigError(
      `the ${selfServerName} server (self_improve) needs a running Mender: connect the client to <Mender's URL>/mcp/${selfServerName} with a bearer token`,
    );
  if (!isServedServerName(server)) throw new ConfigError(`unknown MCP server "${server}": choose one of ${servedServerNames.join(', ')}`);
  let root: string;
  try {
    root = fs.realpathSync(path.resolve(rootOption));
  } catch {
    throw new ConfigError(`--root ${rootOption} does not exist: give the folder of a checkout`);
  }
  if (!fs.statSync(root).isDirectory()) throw new ConfigError(`--root ${rootOption} is not a folder: give the folder of a checkout`);
  const { settings } = loadSettings();
  const redactor = createRedactor([...secretSettingValues(settings), ...secretValuesFromEnvironment(process.env)]);
  // stdout carries the protocol: the log goes to stderr only.
  const log = createLogger(settings.logLevel, redactor.redact);
  const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-mcp-scratch-'));
  const checks = createCheckRunner({
    timeoutMs: settings.commandTimeoutSeconds * 1000,
    outputLimitBytes: settings.commandOutputLimitBytes,
    scratchDir,
    sandbox: { mode: settings.sandbox, onUnsandboxedRun: (command) => log.warn('running a command without a sandbox (MENDER_SANDBOX=off)', { command }) },
    hiddenPaths: [settings.dataDir, ...sensitiveHomeFolders()],
    isDenied: createDenyMatcher([...defaultDenyPatterns, ...(settings.denyPatterns ?? [])]),
  });
  const rateLimiter = createRateLimiter({ limit: settings.fileOperationsPerMinute, windowMs: 60_000 });
  const mcpServer = createMenderMcpServer({
    server,
    root,
    redactor,
    callerKey: `mcp-stdio-${process.pid}`,
    version: menderVersion,
    tools: servedTools({ server, root, settings, checks, rateLimiter }),
  });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await mcpServer.connect(transport);
  log.info('mender MCP server ready on stdio', { server, root });
  await closed;
  await mcpServer.close();
  fs.rmSync(scratchDir, { recursive: true, force: true });
}

/** External MCP tool calls that wait for a team lead: list, approve, deny. */
function registerToolCallCommands(program: Command, client: () => ApiClient): void {
  program
    .command('tool-calls <operation>')
    .description("an operation's external MCP tool calls that needed approval, and their decisions")
    .option('--json', 'machine-readable output')
    .action(async (operation: string, options: { json?: boolean }) => {
      const result = await client().request<ToolCallList>('GET', `/api/operations/${encodeURIComponent(operation)}/tool-calls`);
      const text = () =>
        result.toolCalls
          .map(
            (call) => `${call.id}  ${call.status.padEnd(9)}  ${call.tool} ${JSON.stringify(call.arguments)}${call.decidedBy ? `  (by ${call.decidedBy})` : ''}`,
          )
          .join('\n') || 'no tool calls waited for approval';
      process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${text()}\n`);
    });
  const toolCall = program.command('tool-call').description('decide an external MCP tool call that waits for approval (team lead)');
  for (const action of ['approve', 'deny'] as const) {
    toolCall
      .command(`${action} <operation> <call>`)
      .description(action === 'approve' ? 'let the call run' : 'refuse the call: the model gets a denial')
      .option('--comment <text>', 'for the record')
      .option('--json', 'machine-readable output')
      .action(async (operation: string, call: string, options: { comment?: string; json?: boolean }) => {
        const result = await client().request<ToolCallView>(
          'POST',
          `/api/operations/${encodeURIComponent(operation)}/tool-calls/${encodeURIComponent(call)}/${action}`,
          options.comment ? { comment: options.comment } : {},
        );
        process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${result.id} ${result.status}: ${result.tool}\n`);
      });
  }
}
