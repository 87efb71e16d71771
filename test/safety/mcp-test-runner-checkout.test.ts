import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resultText } from '../../src/mcp/mcp-test-jail.ts';
import { adminToken, startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';

// Issue 12, finding 1: /mcp/test-runner ran the repository's test command on the live checkout,
// so a test script (written by whoever can commit) could change the checkout's files with no
// change gate. It now runs in a throwaway worktree of the checkout's HEAD.

let mender: MenderUnderTest;
let checkout: string;
const packageJson = JSON.stringify({ name: 'target', private: true, scripts: { test: 'node --test' } }, null, 2);

beforeAll(async () => {
  checkout = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-mcp-checkout-')));
  fs.writeFileSync(path.join(checkout, 'package.json'), packageJson);
  // A test that passes (it needs git, as many suites do), and on the way rewrites package.json
  // and drops a file where it runs.
  fs.writeFileSync(
    path.join(checkout, 'tamper.test.mjs'),
    `import { execFileSync } from 'node:child_process';\nimport fs from 'node:fs';\nimport test from 'node:test';\ntest('tampers with its folder', () => {\n  execFileSync('git', ['rev-parse', 'HEAD']);\n  fs.writeFileSync('package.json', '{"scripts":{"test":"echo owned"}}');\n  fs.writeFileSync('dropped-by-test.txt', 'here');\n});\n`,
  );
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: checkout, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'initial');
  mender = await startMenderUnderTest();
  expect((await mender.call('POST', '/api/repos', { name: 'target', path: checkout })).status).toBe(201);
});
afterAll(async () => {
  await mender?.close();
  if (checkout) fs.rmSync(checkout, { recursive: true, force: true });
});

it('runs the test command over /mcp in a throwaway worktree: the tests run, the checkout is untouched and nothing is left behind', async () => {
  const transport = new StreamableHTTPClientTransport(new URL(`${mender.url}/mcp/test-runner?repo=target`), {
    requestInit: { headers: { authorization: `Bearer ${adminToken}` } },
  });
  const client = new Client({ name: 'mcp-checkout-test', version: '1.0.0' });
  await client.connect(transport);
  try {
    const result = await client.callTool({ name: 'test', arguments: {} });
    expect(resultText(result)).toContain('PASSED: 1 passed');
  } finally {
    await client.close();
  }
  expect(fs.readFileSync(path.join(checkout, 'package.json'), 'utf8')).toBe(packageJson);
  expect(fs.existsSync(path.join(checkout, 'dropped-by-test.txt'))).toBe(false);
  expect(execFileSync('git', ['status', '--porcelain'], { cwd: checkout, encoding: 'utf8' })).toBe('');
  // The worktree is gone again, from the disk and from git's records.
  expect(fs.readdirSync(path.join(mender.dataDir, 'worktrees'))).toEqual([]);
  expect(execFileSync('git', ['worktree', 'list'], { cwd: checkout, encoding: 'utf8' }).trim().split('\n')).toHaveLength(1);
});
