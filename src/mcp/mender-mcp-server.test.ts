import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../config/load-settings.ts';
import { createRateLimiter } from '../safety/operation-rate-limit.ts';
import { createRedactor } from '../safety/redaction.ts';
import { createCheckRunner } from '../workspace/check-runner.ts';
import { createMenderMcpServer } from './mender-mcp-server.ts';
import { createMcpTestJail, expectEscapesRefused, plantedSecret, resultText, type McpTestJail } from './mcp-test-jail.ts';
import { servedTools, type ServedServerName } from './served-tools.ts';

let jail: McpTestJail;
let scratch: string;
const clients: Client[] = [];

beforeEach(() => {
  jail = createMcpTestJail();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-mcp-scratch-'));
});
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  jail.remove();
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** The official SDK client linked to Mender's MCP server through in-memory transports. */
async function connect(server: ServedServerName, env: Record<string, string> = {}, readOnly = false): Promise<Client> {
  const { settings } = loadSettings({ MENDER_SANDBOX: 'off', MENDER_DATA_DIR: scratch, ...env }, scratch);
  const checks = createCheckRunner({ timeoutMs: 60_000, outputLimitBytes: 100_000, scratchDir: scratch, sandbox: { mode: 'off' } });
  const tools = servedTools({
    server,
    root: jail.root,
    settings,
    checks,
    rateLimiter: createRateLimiter({ limit: settings.fileOperationsPerMinute, windowMs: 60_000 }),
  });
  const mcpServer = createMenderMcpServer({
    server,
    tools,
    root: jail.root,
    redactor: createRedactor([plantedSecret]),
    readOnly,
    callerKey: 'test',
    version: '0.0.0-test',
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await mcpServer.connect(serverSide);
  const client = new Client({ name: 'mcp-test-client', version: '1.0.0' });
  await client.connect(clientSide);
  clients.push(client);
  return client;
}

describe('Mender tools as MCP servers (in-memory transport)', () => {
  it('lists the filesystem tools under their DESIGN.md names with input schemas and read-only hints', async () => {
    const client = await connect('filesystem');
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['readFile', 'writeFile', 'editFile', 'listDirectory', 'searchFiles', 'deleteFile']);
    const readFile = tools.find((tool) => tool.name === 'readFile')!;
    expect(readFile.inputSchema).toMatchObject({
      type: 'object',
      properties: { path: { type: 'string' }, startLine: { type: 'integer' } },
      required: ['path'],
    });
    expect(readFile.annotations).toMatchObject({ readOnlyHint: true });
    expect(tools.find((tool) => tool.name === 'writeFile')!.annotations).toMatchObject({ readOnlyHint: false });
    expect(tools.find((tool) => tool.name === 'deleteFile')!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
  });

  it('reads and writes inside the checkout', async () => {
    const client = await connect('filesystem');
    const read = await client.callTool({ name: 'readFile', arguments: { path: 'src/app.ts' } });
    expect(read.isError).toBeFalsy();
    expect(resultText(read)).toContain('1\texport const answer = 42;');
    const written = await client.callTool({ name: 'writeFile', arguments: { path: 'src/new.ts', content: 'export const created = true;\n' } });
    expect(written.isError).toBeFalsy();
    expect(fs.readFileSync(path.join(jail.root, 'src/new.ts'), 'utf8')).toBe('export const created = true;\n');
  });

  it('refuses escapes (../, absolute paths, a symbolic link outside) and denied files with error results, writing nothing outside', async () => {
    const client = await connect('filesystem');
    await expectEscapesRefused(client, jail);
  });

  it('answers invalid arguments with an error result', async () => {
    const client = await connect('filesystem');
    const result = await client.callTool({ name: 'readFile', arguments: { path: 7 } });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toMatch(/path/);
  });

  it('refuses writes to protected paths when the policy says refuse', async () => {
    const client = await connect('filesystem', { MENDER_PROTECTED_PATH_ACTION: 'refuse' });
    const result = await client.callTool({ name: 'writeFile', arguments: { path: 'db/migrations/0001.sql', content: 'DROP TABLE users;' } });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toMatch(/^path_denied: .*protected path/);
    expect(fs.existsSync(path.join(jail.root, 'db'))).toBe(false);
  });

  it('offers only read-only tools in read-only mode', async () => {
    const client = await connect('filesystem', {}, true);
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['readFile', 'listDirectory', 'searchFiles']);
    const refused = await client.callTool({ name: 'writeFile', arguments: { path: 'x.txt', content: 'x' } });
    expect(refused.isError).toBe(true);
    expect(fs.existsSync(path.join(jail.root, 'x.txt'))).toBe(false);
  });

  it('serves git status, diff and log without denied files', async () => {
    const client = await connect('git');
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['status', 'diff', 'log']);
    fs.writeFileSync(path.join(jail.root, 'src/app.ts'), 'export const answer = 43;\n');
    const diff = await client.callTool({ name: 'diff', arguments: {} });
    expect(resultText(diff)).toContain('+export const answer = 43;');
    const log = await client.callTool({ name: 'log', arguments: { limit: 1 } });
    expect(resultText(log)).toContain('initial');
    const status = await client.callTool({ name: 'status', arguments: {} });
    expect(resultText(status)).not.toContain('.env');
  });

  it("runs the checkout's tests through the test-runner server", async () => {
    fs.writeFileSync(path.join(jail.root, 'package.json'), JSON.stringify({ name: 'jail', type: 'module', scripts: { test: 'node --test' } }));
    fs.mkdirSync(path.join(jail.root, 'test'));
    fs.writeFileSync(
      path.join(jail.root, 'test/answer.test.mjs'),
      "import test from 'node:test';\nimport assert from 'node:assert';\ntest('answer', () => assert.equal(41, 42));\n",
    );
    const client = await connect('test-runner');
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['test', 'typecheck', 'lint', 'build', 'formatCheck']);
    const result = await client.callTool({ name: 'test', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(resultText(result)).toMatch(/^FAILED: 0 passed, 1 failed/);
    const typecheck = await client.callTool({ name: 'typecheck', arguments: {} });
    expect(typecheck.isError).toBe(true);
    expect(resultText(typecheck)).toMatch(/^not_configured:/);
  });
});
