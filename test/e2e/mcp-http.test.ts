import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcpTestJail, expectEscapesRefused, resultText, type McpTestJail } from '../../src/mcp/mcp-test-jail.ts';
import { adminToken, startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';

let mender: MenderUnderTest;
let jail: McpTestJail;
const clients: Client[] = [];

beforeAll(async () => {
  mender = await startMenderUnderTest({ MENDER_SANDBOX: 'off' });
  jail = createMcpTestJail();
  const registered = await mender.call('POST', '/api/repos', { name: 'jail', path: jail.root });
  expect(registered.status).toBe(201);
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await mender?.close();
  jail?.remove();
});

/** The official SDK client over streamable HTTP to Mender's listening server. */
async function connect(server: string, token: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${mender.url}/mcp/${server}?repo=jail`), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'mcp-http-test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return client;
}

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

describe('Mender tools over streamable HTTP at /mcp/:server', () => {
  it('refuses a request without a token (401) and names what to send', async () => {
    const response = await fetch(`${mender.url}/mcp/filesystem?repo=jail`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(initialize),
    });
    expect(response.status).toBe(401);
    expect((await response.json()).error.message).toContain('Authorization: Bearer');
    const wrong = await fetch(`${mender.url}/mcp/filesystem?repo=jail`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-a-token', 'content-type': 'application/json' },
      body: JSON.stringify(initialize),
    });
    expect(wrong.status).toBe(401);
  });

  it('answers an unknown server, a missing or unknown repository, and GET with clear errors', async () => {
    const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const unknownServer = await fetch(`${mender.url}/mcp/shell?repo=jail`, { method: 'POST', headers, body: JSON.stringify(initialize) });
    expect(unknownServer.status).toBe(404);
    const noRepo = await fetch(`${mender.url}/mcp/filesystem`, { method: 'POST', headers, body: JSON.stringify(initialize) });
    expect(noRepo.status).toBe(400);
    expect((await noRepo.json()).error.message).toContain('?repo=');
    const unknownRepo = await fetch(`${mender.url}/mcp/filesystem?repo=nope`, { method: 'POST', headers, body: JSON.stringify(initialize) });
    expect(unknownRepo.status).toBe(404);
    const get = await fetch(`${mender.url}/mcp/filesystem?repo=jail`, { headers: { authorization: `Bearer ${adminToken}`, accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
  });

  it('lists and calls the tools with a token, rooted at the registered checkout, and refuses escapes', async () => {
    const client = await connect('filesystem', adminToken);
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual([
      'readFile',
      'writeFile',
      'editFile',
      'listDirectory',
      'searchFiles',
      'deleteFile',
    ]);
    const read = await client.callTool({ name: 'readFile', arguments: { path: 'src/app.ts' } });
    expect(resultText(read)).toContain('export const answer = 42;');
    // The live checkout changes only through an operation (issue 12, finding 1).
    const written = await client.callTool({ name: 'writeFile', arguments: { path: 'notes/by-http.md', content: 'written over MCP\n' } });
    expect(written.isError).toBe(true);
    expect(resultText(written)).toMatch(/^tool_denied: .*POST \/api\/operations/);
    expect(fs.existsSync(path.join(jail.root, 'notes/by-http.md'))).toBe(false);
    await expectEscapesRefused(client, jail, { editsRefused: true });
  });

  it('gives a viewer only the read-only tools', async () => {
    const created = await mender.call('POST', '/api/users', { name: 'vera', role: 'viewer' });
    expect(created.status).toBe(201);
    const client = await connect('filesystem', created.json.token);
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['readFile', 'listDirectory', 'searchFiles']);
    expect(resultText(await client.callTool({ name: 'readFile', arguments: { path: 'src/app.ts' } }))).toContain('answer = 42');
    const refused = await client.callTool({ name: 'writeFile', arguments: { path: 'viewer.txt', content: 'no' } });
    expect(refused.isError).toBe(true);
    expect(fs.existsSync(path.join(jail.root, 'viewer.txt'))).toBe(false);
    const testRunner = await connect('test-runner', created.json.token);
    expect((await testRunner.listTools()).tools).toEqual([]);
  });
});
