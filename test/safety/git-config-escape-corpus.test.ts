import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedFiles, stageAll, stagedDiff } from '../../src/pipeline/change-files.ts';
import { createGitTools } from '../../src/tools/git/git-tools.ts';
import type { ToolContext } from '../../src/tools/tool.ts';
import { buildCommandEnvironment, runCommand } from '../../src/workspace/command-runner.ts';
import { runGit } from '../../src/workspace/git.ts';
import { detectSandbox, sandboxCommand } from '../../src/workspace/sandbox.ts';
import { WorktreeManager } from '../../src/workspace/worktree-manager.ts';
import { adminToken, startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { gitConfigAttempts, type GitConfigAttempt } from './support/git-config-attempts.ts';

/**
 * Issue 12, finding 1: code run in the sandbox (the coder's tests, or a test-runner call over MCP)
 * sets git configuration, attributes, hooks or a `.git` of its own so that Mender's next git call
 * on the host runs a program. After each attempt Mender's own git operations run (status, diff,
 * log, staging, commit, rebase and merge as the pipeline does them, and /mcp/git by a viewer); a
 * marker file outside the sandbox must never appear. A refusal of Mender's git is fine.
 */
const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-git-config-corpus-')));
const markers = path.join(base, 'markers');
fs.mkdirSync(markers);
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, stdio: 'pipe' }).toString();

function createCheckout(root: string, files: Record<string, string> = {}): void {
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'README.md'), 'hello\n');
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(root, name), content);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'initial');
}

function markerFor(kind: string, index: number): string {
  return path.join(markers, `${kind}-${index}`);
}

/** Runs a command the way the check runner does: sandboxed, a private HOME, nothing inherited. */
async function runSandboxed(script: string, worktree: string): Promise<string> {
  const folder = fs.mkdtempSync(path.join(base, 'run-'));
  const home = path.join(folder, 'home');
  fs.mkdirSync(home);
  const commandLine = await sandboxCommand(script, { mode: 'bubblewrap' }, { worktree, writablePaths: [folder] });
  const result = await runCommand(commandLine, {
    cwd: worktree,
    env: buildCommandEnvironment({ HOME: home, TMPDIR: home }),
    timeoutMs: 60_000,
    outputLimitBytes: 1_000_000,
  });
  fs.rmSync(folder, { recursive: true, force: true });
  return result.output;
}

/** Mender's own git work on a worktree and its checkout; refusals and failures are allowed, running code is not. */
async function menderGitOperations(worktree: string, checkout: string, branch: string, marker: string): Promise<string[]> {
  const outcomes: string[] = [];
  const context: ToolContext = { root: worktree, operationId: 'corpus', signal: new AbortController().signal, saveArtifact: async (name) => name };
  for (const tool of createGitTools()) {
    const result = await tool.execute({}, context);
    outcomes.push(`${tool.name}: ${result.ok ? 'ok' : result.error.message}${fs.existsSync(marker) ? ' (MARKER)' : ''}`);
  }
  const steps: [string, () => Promise<unknown>][] = [
    ['log -p', () => runGit(worktree, ['log', '-p', '-3'])],
    ['show', () => runGit(worktree, ['show', 'HEAD'])],
    ['stage', () => stageAll(worktree)],
    ['changed files', () => changedFiles(worktree, 'main')],
    ['staged diff', () => stagedDiff(worktree, 'main')],
    ['commit', () => runGit(worktree, ['commit', '--quiet', '--no-verify', '-m', 'change'])],
    ['rebase', () => runGit(worktree, ['rebase', '--quiet', 'main'])],
    ['checkout status', () => runGit(checkout, ['status', '--porcelain'])],
    ['merge', () => runGit(checkout, ['merge', '--no-edit', '--no-ff', branch])],
    ['checkout diff', () => runGit(checkout, ['diff', 'HEAD~1', 'HEAD'])],
  ];
  for (const [name, step] of steps) {
    try {
      await step();
      outcomes.push(`${name}: ok`);
    } catch (error) {
      outcomes.push(`${name}: ${(error as Error).message.split('\n')[0]}`);
    }
    if (fs.existsSync(marker)) outcomes.push(`(the marker exists after ${name})`);
  }
  return outcomes;
}

const sandbox = await detectSandbox();
const attempts: GitConfigAttempt[] = gitConfigAttempts;
let attemptsRun = 0;

afterAll(() => {
  console.log(
    `git-config escape corpus: ${attemptsRun} attempts run (${attempts.length} kinds, as the coder's tests and over MCP), markers found: ${fs.readdirSync(markers).length}`,
  );
  fs.rmSync(base, { recursive: true, force: true });
});

describe.skipIf(!sandbox.available)("git-config escape corpus: the coder's tests on an operation worktree", () => {
  it.each(attempts.map((attempt, index) => [attempt.name, attempt, index] as const))('%s runs no code on the host', async (_name, attempt, index) => {
    const folder = path.join(base, `worktree-${index}`);
    const checkout = path.join(folder, 'repo');
    createCheckout(checkout);
    const worktrees = new WorktreeManager(path.join(folder, 'worktrees'));
    const worktree = await worktrees.create({ repoPath: checkout, operationId: 'op', branch: 'mender/op', startPoint: 'main', resetBranch: true });
    const marker = markerFor('worktree', index);
    const output = await runSandboxed(attempt.script(`touch ${marker}`), worktree);
    const outcomes = await menderGitOperations(worktree, checkout, 'mender/op', marker);
    await worktrees.remove(checkout, 'op').catch(() => undefined);
    attemptsRun += 1;
    expect(fs.existsSync(marker), `${attempt.name} ran code on the host.\nsandbox output: ${output}\n${outcomes.join('\n')}`).toBe(false);
  });
});

describe.skipIf(!sandbox.available)('git-config escape corpus: test-runner over MCP on the registered checkout, then /mcp/git by a viewer', () => {
  let mender: MenderUnderTest;
  let viewerToken: string;
  const checkout = path.join(base, 'mcp', 'repo');
  const clients: Client[] = [];

  beforeAll(async () => {
    createCheckout(checkout, { 'package.json': JSON.stringify({ name: 'target', scripts: { test: 'sh attempt.sh' } }), 'attempt.sh': 'true\n' });
    mender = await startMenderUnderTest();
    expect((await mender.call('POST', '/api/repos', { name: 'target', path: checkout })).status).toBe(201);
    const viewer = await mender.call('POST', '/api/users', { name: 'vic', role: 'viewer' });
    viewerToken = viewer.json.token;
  });
  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    await mender?.close();
  });

  async function connect(server: string, token: string): Promise<Client> {
    const transport = new StreamableHTTPClientTransport(new URL(`${mender.url}/mcp/${server}?repo=target`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    });
    const client = new Client({ name: 'git-config-corpus', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  it.each(attempts.map((attempt, index) => [attempt.name, attempt, index] as const))('%s runs no code on the host', async (_name, attempt, index) => {
    const marker = markerFor('mcp', index);
    createCheckout(checkout, {
      'package.json': JSON.stringify({ name: 'target', scripts: { test: 'sh attempt.sh' } }),
      'attempt.sh': `${attempt.script(`touch ${marker}`)}\n`,
    });
    const testRunner = await connect('test-runner', adminToken);
    const ran = await testRunner.callTool({ name: 'test', arguments: {} });
    const viewerGit = await connect('git', viewerToken);
    const outcomes: string[] = [];
    for (const name of ['status', 'diff', 'log']) {
      const result = await viewerGit.callTool({ name, arguments: {} });
      outcomes.push(`${name}: ${JSON.stringify(result).slice(0, 300)}`);
    }
    attemptsRun += 1;
    expect(fs.existsSync(marker), `${attempt.name} ran code on the host.\ntest-runner: ${JSON.stringify(ran).slice(0, 2000)}\n${outcomes.join('\n')}`).toBe(
      false,
    );
  });

  it('refuses MCP write tools on the live checkout, protected paths and git files included, and changes nothing', async () => {
    createCheckout(checkout, { 'package.json': '{"name":"target"}\n' });
    const before = git(checkout, 'status', '--porcelain');
    const filesystem = await connect('filesystem', adminToken);
    const writes = [
      { name: 'writeFile', arguments: { path: 'package.json', content: '{"scripts":{"test":"touch /tmp/x"}}' } },
      { name: 'writeFile', arguments: { path: '.gitattributes', content: '* filter=x\n' } },
      { name: 'writeFile', arguments: { path: 'src/new.ts', content: 'export {};\n' } },
      { name: 'editFile', arguments: { path: 'README.md', startLine: 1, endLine: 1, newContent: 'changed' } },
      { name: 'deleteFile', arguments: { path: 'README.md' } },
    ];
    for (const write of writes) {
      const result = await filesystem.callTool(write);
      const text = JSON.stringify(result);
      expect(result.isError, `${write.name} ${write.arguments.path}: ${text}`).toBe(true);
      expect(text).toMatch(/operation/);
    }
    expect(git(checkout, 'status', '--porcelain')).toBe(before);
    expect(fs.readFileSync(path.join(checkout, 'package.json'), 'utf8')).toBe('{"name":"target"}\n');
    // Reads still work on the checkout.
    const read = await filesystem.callTool({ name: 'readFile', arguments: { path: 'README.md' } });
    expect(read.isError).toBeFalsy();
  });
});
