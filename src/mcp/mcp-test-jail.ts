import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'vitest';
import { compareSnapshots, snapshotTree } from '../../test/safety/support/file-tree-snapshot.ts';

/**
 * A temporary git checkout for MCP tests (used by *.test.ts only), with a folder beside it that
 * nothing may reach: `<base>/repo` holds src/app.ts, a denied .env and a symbolic link `escape`
 * to `<base>/outside`, which holds a canary file.
 */
export interface McpTestJail {
  base: string;
  root: string;
  outside: string;
  remove(): void;
}

export const canaryText = 'outside the jail: never readable over MCP';
export const plantedSecret = 'sk_live_planted_mcp_secret_1234567890';

export function createMcpTestJail(): McpTestJail {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-mcp-jail-')));
  const root = path.join(base, 'repo');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(path.join(root, 'src'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'canary.txt'), canaryText);
  fs.writeFileSync(path.join(root, 'src/app.ts'), 'export const answer = 42;\n');
  fs.writeFileSync(path.join(root, '.env'), `STRIPE_SECRET=${plantedSecret}\n`);
  fs.writeFileSync(path.join(root, '.gitignore'), '.env\n');
  fs.symlinkSync(outside, path.join(root, 'escape'), 'dir');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', ...args], { cwd: root, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', 'src/app.ts', '.gitignore');
  git('commit', '-q', '-m', 'initial');
  return { base, root, outside, remove: () => fs.rmSync(base, { recursive: true, force: true }) };
}

/** Text of a tool result's content blocks. */
export function resultText(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((block) => block.text ?? '').join('\n');
}

/**
 * Escape attempts over MCP: each must come back as an error result naming the refusal, and the
 * folder outside (hashed entry by entry) must be the same afterwards.
 */
export async function expectEscapesRefused(client: Client, jail: McpTestJail, options: { editsRefused?: boolean } = {}): Promise<void> {
  const before = snapshotTree(jail.outside);
  const attempts: { name: string; arguments: Record<string, unknown>; code: RegExp }[] = [
    { name: 'readFile', arguments: { path: '../outside/canary.txt' }, code: /^path_outside_root:/ },
    { name: 'readFile', arguments: { path: path.join(jail.outside, 'canary.txt') }, code: /^path_outside_root:/ },
    { name: 'readFile', arguments: { path: 'escape/canary.txt' }, code: /^path_outside_root:/ },
    { name: 'readFile', arguments: { path: '.env' }, code: /^path_denied:/ },
    { name: 'writeFile', arguments: { path: '../outside/written.txt', content: 'escaped' }, code: /^path_outside_root:/ },
    { name: 'writeFile', arguments: { path: path.join(jail.outside, 'written.txt'), content: 'escaped' }, code: /^path_outside_root:/ },
    { name: 'writeFile', arguments: { path: 'escape/written.txt', content: 'escaped' }, code: /^path_outside_root:/ },
    { name: 'writeFile', arguments: { path: 'escape/canary.txt', content: 'overwritten' }, code: /^path_outside_root:/ },
    { name: 'editFile', arguments: { path: 'escape/canary.txt', startLine: 1, endLine: 1, newContent: 'edited' }, code: /^path_outside_root:/ },
    { name: 'deleteFile', arguments: { path: '../outside/canary.txt' }, code: /^path_outside_root:/ },
    { name: 'listDirectory', arguments: { path: '..' }, code: /^path_outside_root:/ },
  ];
  const editTools = new Set(['writeFile', 'editFile', 'deleteFile']);
  for (const attempt of attempts) {
    // Over /mcp every edit is refused before its path is even looked at.
    if (options.editsRefused && editTools.has(attempt.name)) attempt.code = /^tool_denied:/;
    const result = await client.callTool({ name: attempt.name, arguments: attempt.arguments });
    const text = resultText(result);
    expect(result.isError, `${attempt.name} ${JSON.stringify(attempt.arguments)} answered ${text}`).toBe(true);
    expect(text, `${attempt.name} ${JSON.stringify(attempt.arguments)}`).toMatch(attempt.code);
    expect(text).not.toContain(canaryText);
    expect(text).not.toContain(plantedSecret);
  }
  expect(compareSnapshots(before, snapshotTree(jail.outside))).toEqual([]);
  expect(fs.readFileSync(path.join(jail.outside, 'canary.txt'), 'utf8')).toBe(canaryText);
}
