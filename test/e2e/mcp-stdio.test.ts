import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMcpTestJail, expectEscapesRefused, resultText, type McpTestJail } from '../../src/mcp/mcp-test-jail.ts';

const menderBin = path.resolve(import.meta.dirname, '../../bin/mender.mjs');

let jail: McpTestJail;
let dataDir: string;
let client: Client | undefined;

beforeEach(() => {
  jail = createMcpTestJail();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-mcp-stdio-data-'));
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  jail.remove();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** `mender mcp <server> --root <jail>` as its own process, driven by the official SDK client over stdio. */
async function connect(server: string, root = jail.root): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [menderBin, 'mcp', server, '--root', root],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MENDER_DATA_DIR: dataDir, MENDER_SANDBOX: 'off' },
    stderr: 'pipe',
  });
  let errors = '';
  transport.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  client = new Client({ name: 'mcp-stdio-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => errors };
}

describe('mender mcp over stdio', () => {
  it('lists and calls the filesystem tools of a git checkout', async () => {
    const { client } = await connect('filesystem');
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['readFile', 'writeFile', 'editFile', 'listDirectory', 'searchFiles', 'deleteFile']);
    const listing = await client.callTool({ name: 'listDirectory', arguments: { path: '.' } });
    expect(resultText(listing)).toContain('src/');
    expect(resultText(listing)).not.toContain('.env');
    const edited = await client.callTool({
      name: 'editFile',
      arguments: { path: 'src/app.ts', startLine: 1, endLine: 1, newContent: 'export const answer = 43;' },
    });
    expect(edited.isError).toBeFalsy();
    expect(fs.readFileSync(path.join(jail.root, 'src/app.ts'), 'utf8')).toBe('export const answer = 43;\n');
  });

  it('refuses escape attempts with error results and writes nothing outside the root', async () => {
    const { client } = await connect('filesystem');
    await expectEscapesRefused(client, jail);
  });

  it('serves git over stdio too', async () => {
    const { client } = await connect('git');
    const log = await client.callTool({ name: 'log', arguments: {} });
    expect(resultText(log)).toContain('initial');
  });

  it('refuses an unknown server or a missing root with a clear message', async () => {
    const { execFile } = await import('node:child_process');
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [menderBin, ...args],
          { env: { PATH: process.env.PATH, HOME: process.env.HOME, MENDER_DATA_DIR: dataDir } },
          (error, _stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stderr }),
        );
      });
    const unknown = await run(['mcp', 'shell', '--root', jail.root]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown MCP server "shell": choose one of filesystem, git, test-runner');
    const missing = await run(['mcp', 'filesystem', '--root', path.join(jail.base, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');
  });
});
