import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { createPathPolicy, type PathRefusalCode } from '../../src/safety/path-policy.ts';
import { guardProtectedPaths } from '../../src/tools/protected-path-guard.ts';
import { createProtectedPathMatcher, defaultProtectedPaths } from '../../src/safety/protected-paths.ts';
import { trackEdits } from '../../src/pipeline/tracked-tools.ts';
import { createFilesystemTools } from '../../src/tools/filesystem/filesystem-tools.ts';
import type { Tool, ToolContext, ToolResult } from '../../src/tools/tool.ts';
import { createEscapeFixture } from './support/escape-fixture.ts';
import { compareSnapshots, snapshotTree } from './support/file-tree-snapshot.ts';
import { escapeAttempts, type CorpusToolName, type EscapeAttempt } from './support/path-escape-attempts.ts';
import { excerptAround, leakedSecrets } from './support/secret-fragments.ts';

// Every refusal a path can get; an error with any other code (too_large, …) is not a path refusal.
const pathRefusalCodes: ReadonlySet<string> = new Set<PathRefusalCode>([
  'invalid_arguments',
  'path_outside_root',
  'path_denied',
  'not_found',
  'not_a_file',
  'not_a_directory',
  'io_error',
]);

/** Longest time one tool call may take before it counts as hung (a FIFO opened without O_NONBLOCK, /dev/zero read whole). */
const callTimeoutMs = 10_000;

function contextFor(root: string): ToolContext {
  return { root, operationId: 'operation-escape-corpus', signal: new AbortController().signal, saveArtifact: async (name) => name };
}

function toolsByName(tools: Tool[]): Record<CorpusToolName, Tool> {
  const find = (name: CorpusToolName) => {
    const tool = tools.find((candidate) => candidate.name === `filesystem__${name}`);
    if (!tool) throw new Error(`no tool filesystem__${name}`);
    return tool;
  };
  return {
    readFile: find('readFile'),
    writeFile: find('writeFile'),
    editFile: find('editFile'),
    listDirectory: find('listDirectory'),
    searchFiles: find('searchFiles'),
    deleteFile: find('deleteFile'),
  };
}

function inputFor(tool: CorpusToolName, requested: string, marker: string): Record<string, unknown> {
  switch (tool) {
    case 'readFile':
      return { path: requested };
    case 'writeFile':
      return { path: requested, content: `${marker}\n` };
    case 'editFile':
      return { path: requested, startLine: 1, endLine: 1, newContent: marker };
    case 'listDirectory':
      return { path: requested, recursive: true };
    case 'searchFiles':
      // Matches every line: whatever the search can reach, it shows.
      return { pattern: '.', directory: requested };
    case 'deleteFile':
      return { path: requested };
  }
}

async function executeWithTimeout(tool: Tool, input: unknown, context: ToolContext): Promise<ToolResult | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), callTimeoutMs);
  });
  try {
    return await Promise.race([tool.execute(input, context), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function shortName(requested: string): string {
  const printable = JSON.stringify(requested);
  return printable.length > 70 ? `${printable.slice(0, 60)}…(${requested.length} characters)` : printable;
}

describe('path-escape corpus: the filesystem tools against a hostile worktree', () => {
  const fixture = createEscapeFixture();
  // Built while the tests are collected (their names hold its paths); removed even if none runs.
  process.once('exit', () => fixture.remove());
  const policy = createPathPolicy({ root: fixture.root });
  const tools = toolsByName(createFilesystemTools({ policy }));
  const context = contextFor(policy.root);
  const attempts = escapeAttempts(fixture);
  let pristine = snapshotTree(fixture.base);
  const tally = { attempts: 0, calls: 0, refusals: 0, allowedInside: 0, escapes: 0, wrongCodes: 0 };

  afterAll(() => {
    fixture.remove();
    console.log(
      `path-escape corpus: ${tally.attempts} attempts, ${tally.calls} tool calls, ${tally.refusals} refusals, ` +
        `${tally.allowedInside} allowed inside the worktree (odd but legal names), ${tally.escapes} escapes, ${tally.wrongCodes} refusals with a non-path code`,
    );
  });

  /**
   * Runs one tool on one path and judges it: an escape is any effect outside the jail or on a
   * denied file, or a secret in the result; an attempt of kind `escape` must also be refused.
   */
  async function judge(attempt: EscapeAttempt, toolName: CorpusToolName): Promise<string[]> {
    const problems: string[] = [];
    const outcome = await executeWithTimeout(tools[toolName], inputFor(toolName, attempt.path, fixture.writeMarker), context);
    tally.calls += 1;
    if (outcome === 'hung') {
      tally.escapes += 1;
      return [`${toolName} did not answer within ${callTimeoutMs} ms`];
    }

    const resultText = JSON.stringify(outcome);
    for (const leak of leakedSecrets(resultText, fixture.secrets)) {
      problems.push(`${toolName} result shows ${leak.name}: …${excerptAround(resultText, leak.fragment, 40)}…`);
    }

    const changes = compareSnapshots(pristine, snapshotTree(fixture.base));
    const insideChanges: string[] = [];
    for (const change of changes) {
      if (change.path !== 'repo' && !change.path.startsWith('repo/')) {
        problems.push(`${toolName} changed ${change.path} outside the worktree (${change.before ?? 'absent'} → ${change.after ?? 'absent'})`);
        continue;
      }
      const relative = change.path === 'repo' ? '.' : change.path.slice('repo/'.length);
      if (relative !== '.' && policy.isDenied(relative)) problems.push(`${toolName} changed the denied ${relative}`);
      else insideChanges.push(relative);
    }

    const normalized = path.posix.normalize(attempt.path).replace(/\/+$/, '');
    const removesOnlyTheLink = toolName === 'deleteFile' && fixture.linkNames.includes(normalized) && insideChanges.every((changed) => changed === normalized);
    if (outcome.ok) {
      if (attempt.kind === 'escape' && !removesOnlyTheLink) {
        problems.push(`${toolName} answered ok for a path that leads outside or to a denied file: ${resultText.slice(0, 300)}`);
      } else if (problems.length === 0) {
        tally.allowedInside += 1;
      }
    } else {
      if (!pathRefusalCodes.has(outcome.error.code))
        problems.push(`${toolName} refused with ${outcome.error.code}, which is not a path refusal: ${outcome.error.message}`);
      if (insideChanges.length > 0) problems.push(`${toolName} refused but changed ${insideChanges.join(', ')}`);
      if (problems.length === 0) tally.refusals += 1;
    }

    // A refusal with the wrong code is a defect but not an escape; everything else here is one.
    if (problems.some((problem) => !problem.includes('which is not a path refusal'))) tally.escapes += 1;
    else if (problems.length > 0) tally.wrongCodes += 1;
    if (changes.length > 0) {
      fixture.rebuild();
      pristine = snapshotTree(fixture.base);
    }
    return problems;
  }

  for (const attempt of attempts) {
    it(`${attempt.kind === 'escape' ? 'refuses' : 'keeps inside'} ${attempt.category}: ${shortName(attempt.path)}`, async () => {
      tally.attempts += 1;
      const problems: string[] = [];
      for (const toolName of attempt.tools) problems.push(...(await judge(attempt, toolName)));
      expect(problems).toEqual([]);
    });
  }

  it('has at least 100 attempts, every filesystem tool among them', () => {
    expect(attempts.length).toBeGreaterThanOrEqual(100);
    const used = new Set(attempts.flatMap((attempt) => attempt.tools));
    expect([...used].sort()).toEqual(['deleteFile', 'editFile', 'listDirectory', 'readFile', 'searchFiles', 'writeFile']);
  });

  it('the canaries outside are intact after the whole corpus', () => {
    const outsideSecrets = fixture.secrets.filter((secret) => secret.name.startsWith('outside/') || secret.name.startsWith('repo-sibling/'));
    for (const secret of outsideSecrets) {
      const file = path.join(fixture.base, secret.name);
      expect(fs.readFileSync(file, 'utf8')).toBe(`${secret.value}\n`);
    }
    expect(fs.existsSync(path.join(fixture.outside, 'new-file.txt'))).toBe(false);
    expect(fs.existsSync(path.join(fixture.outside, 'created-through-link.txt'))).toBe(false);
    expect(fs.existsSync(path.join(fixture.base, fixture.escapeName))).toBe(false);
    expect(fs.existsSync(path.join(path.dirname(fixture.base), fixture.escapeName))).toBe(false);
  });
});

describe('whole-worktree listing and search hide denied files and their content', () => {
  const fixture = createEscapeFixture();
  process.once('exit', () => fixture.remove());
  const policy = createPathPolicy({ root: fixture.root });
  const context = contextFor(policy.root);
  afterAll(() => fixture.remove());

  const deniedEntries = ['.env', '.env.local', 'id_rsa', 'secrets.json', 'config/credentials.json', 'tls/server.pem', '.npmrc', '.git', 'nested/.git'];

  it('a recursive listing of the root names no denied file and does not descend into links', async () => {
    const { listDirectory } = toolsByName(createFilesystemTools({ policy }));
    const result = await listDirectory.execute({ path: '.', recursive: true }, context);
    expect(result.ok).toBe(true);
    const listed = result.ok ? (result.data as { entries: { path: string }[] }).entries.map((entry) => entry.path) : [];
    expect(listed).toEqual(expect.arrayContaining(['src/index.ts', 'link-outside', 'notes.txt']));
    for (const denied of deniedEntries) expect(listed.filter((entry) => entry === denied || entry.startsWith(`${denied}/`))).toEqual([]);
    expect(listed.filter((entry) => entry.startsWith('link-outside/') || entry.startsWith('link-parent/') || entry.startsWith('link-root/'))).toEqual([]);
    expect(leakedSecrets(JSON.stringify(result), fixture.secrets)).toEqual([]);
  });

  for (const engine of ['ripgrep', 'javascript'] as const) {
    it(`a search of the whole root for every secret finds none of them (${engine})`, async () => {
      const { searchFiles } = toolsByName(createFilesystemTools({ policy, ripgrepCommand: engine === 'ripgrep' ? 'rg' : false }));
      const patterns = [
        '.',
        ...fixture.secrets.map((secret) => secret.value.slice(0, 16).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
        'PRIVATE KEY',
        'STRIPE_SECRET',
        '_authToken',
      ];
      for (const pattern of patterns) {
        const result = await searchFiles.execute({ pattern, directory: '.' }, context);
        expect(result.ok, `search for ${pattern}`).toBe(true);
        const matches = result.ok ? (result.data as { matches: { path: string }[]; engine: string }).matches : [];
        expect(result.ok && (result.data as { engine: string }).engine).toBe(engine);
        for (const match of matches) expect(policy.isDenied(match.path), `match in ${match.path}`).toBe(false);
        expect(
          matches.map((match) => match.path).filter((file) => ['notes.txt', 'hardlink-canary.txt', 'innocent.txt', 'link-env', 'link-canary'].includes(file)),
        ).toEqual([]);
        // The matches only: the answer echoes the pattern, which is itself cut from a secret.
        expect(leakedSecrets(JSON.stringify(matches), fixture.secrets)).toEqual([]);
      }
    });
  }
});

describe('the coder tools as the pipeline wraps them (protected-path guard, edit tracking)', () => {
  it('refuses a protected path in refuse mode', async () => {
    const folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-guard-')));
    try {
      fs.mkdirSync(path.join(folder, '.github/workflows'), { recursive: true });
      fs.writeFileSync(path.join(folder, '.github/workflows/ci.yml'), 'on: push\n');
      const tools = toolsByName(
        guardProtectedPaths(
          createFilesystemTools({ policy: createPathPolicy({ root: folder }) }),
          createPathPolicy({ root: folder }),
          createProtectedPathMatcher(defaultProtectedPaths),
        ),
      );
      for (const requested of [
        '.github/workflows/evil.yml',
        './.github/workflows/evil.yml',
        'src/../.github/workflows/evil.yml',
        '.github\\workflows\\evil.yml',
      ]) {
        const result = await tools.writeFile.execute({ path: requested, content: 'on: push\njobs: {}\n' }, contextFor(folder));
        expect(result.ok, requested).toBe(false);
      }
      expect(fs.readdirSync(path.join(folder, '.github/workflows'))).toEqual(['ci.yml']);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  // Was a hole: the guard matched the path as written, so a link to a protected folder led around it.
  it('refuses a protected path reached through a symbolic link in refuse mode', async () => {
    const folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-guard-')));
    try {
      fs.mkdirSync(path.join(folder, '.github/workflows'), { recursive: true });
      fs.symlinkSync('.github/workflows', path.join(folder, 'ci'));
      const tools = toolsByName(
        guardProtectedPaths(
          createFilesystemTools({ policy: createPathPolicy({ root: folder }) }),
          createPathPolicy({ root: folder }),
          createProtectedPathMatcher(defaultProtectedPaths),
        ),
      );
      const result = await tools.writeFile.execute({ path: 'ci/evil.yml', content: 'on: push\njobs: {}\n' }, contextFor(folder));
      expect(fs.existsSync(path.join(folder, '.github/workflows/evil.yml'))).toBe(false);
      expect(result.ok).toBe(false);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  // Was a hole: the edit tracker read the requested path outside the policy, so a FIFO outside
  // the worktree stalled the whole process (and /dev/zero exhausted its memory). A writer opens
  // the pipe after a second, so a stall would show as a gap of about a second in the ticks.
  it('an edit tool given a path to a FIFO outside the worktree answers without stalling the process', async () => {
    const folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-tracked-')));
    const root = path.join(folder, 'repo');
    fs.mkdirSync(root);
    fs.mkdirSync(path.join(folder, 'outside'));
    const fifo = path.join(folder, 'outside', 'pipe');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'sleep 1; printf stolen > "$0"', fifo], { stdio: 'ignore' });
    let lastTick = performance.now();
    let longestGapMs = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGapMs = Math.max(longestGapMs, now - lastTick);
      lastTick = now;
    }, 10);
    try {
      const { tools } = trackEdits(createFilesystemTools({ policy: createPathPolicy({ root }) }), createPathPolicy({ root }));
      const result = await toolsByName(tools).writeFile.execute({ path: '../outside/pipe', content: 'x' }, contextFor(root));
      longestGapMs = Math.max(longestGapMs, performance.now() - lastTick);
      expect(result).toMatchObject({ ok: false, error: { code: 'path_outside_root' } });
      expect(longestGapMs).toBeLessThan(900);
    } finally {
      clearInterval(ticker);
      writer.kill('SIGKILL');
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
