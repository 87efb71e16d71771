import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ToolContext } from '../tool.ts';
import { createGitDiffTool } from './git-diff.ts';
import { createGitLogTool } from './git-log.ts';
import { createGitStatusTool } from './git-status.ts';
import { createGitTools } from './git-tools.ts';
import { deniedPathspecs } from './git-tool-options.ts';

let root: string;
let markers: string;
const savedArtifacts = new Map<string, string>();

function git(args: string[]): string {
  return execFileSync('git', args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com' },
  });
}

function write(relative: string, content: string): void {
  mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
  writeFileSync(path.join(root, relative), content);
}

function context(signal = new AbortController().signal): ToolContext {
  return {
    root,
    operationId: 'operation-test',
    signal,
    saveArtifact: async (name, content) => {
      savedArtifacts.set(name, content);
      return `artifacts/${name}`;
    },
  };
}

beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), 'mender-git-tools-')));
  markers = realpathSync(mkdtempSync(path.join(tmpdir(), 'mender-git-tools-markers-')));
  savedArtifacts.clear();
  git(['init', '--quiet', '--initial-branch=main']);
  write('src/app.ts', 'export const value = 1;\n');
  // Secrets committed by mistake: the tools must still not show them.
  write('.env', 'TOKEN=old-secret\n');
  write('packages/api/.env.local', 'KEY=old-key\n');
  write('config/secrets.d/token.txt', 'old-token\n');
  git(['add', '-A']);
  git(['commit', '--quiet', '-m', 'Initial commit']);
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(markers, { recursive: true, force: true });
});

function changeEverything(): void {
  write('src/app.ts', 'export const value = 2;\n');
  write('.env', 'TOKEN=new-secret\n');
  write('packages/api/.env.local', 'KEY=new-key\n');
  write('config/secrets.d/token.txt', 'new-token\n');
  write('src/new.ts', 'export {};\n');
  write('server.pem', '-----BEGIN PRIVATE KEY-----\n');
}

describe('deniedPathspecs', () => {
  it('anchors names in any folder and covers folder contents', () => {
    expect(deniedPathspecs(['.env', 'config/*.yml', '.git/**'])).toEqual([
      ':(exclude,glob,icase)**/.env',
      ':(exclude,glob,icase)**/.env/**',
      ':(exclude,glob,icase)config/*.yml',
      ':(exclude,glob,icase)config/*.yml/**',
      ':(exclude,glob,icase).git/**',
    ]);
  });
});

describe('git__status', () => {
  it('shows the branch and changes, without denied paths', async () => {
    changeEverything();
    const result = await createGitStatusTool().execute({}, context());
    expect(result).toMatchObject({
      ok: true,
      data: {
        branch: 'main',
        changes: [
          { status: ' M', path: 'src/app.ts' },
          { status: '??', path: 'src/new.ts' },
        ],
      },
    });
    expect(result.ok && result.text).toBe('On main\n M src/app.ts\n?? src/new.ts');
  });

  it('says when the worktree is clean', async () => {
    const result = await createGitStatusTool().execute({}, context());
    expect(result.ok && result.text).toBe('On main\nNothing to commit: the worktree is clean');
  });
});

describe('git__diff', () => {
  it('shows unstaged changes and untracked files, but no secrets', async () => {
    changeEverything();
    const result = await createGitDiffTool().execute({}, context());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.diff).toContain('-export const value = 1;\n+export const value = 2;');
    expect(result.data.untrackedFiles).toEqual(['src/new.ts']);
    const shown = JSON.stringify(result);
    for (const secret of ['secret', 'key', 'token', 'PRIVATE', '.env', 'server.pem']) expect(shown).not.toContain(secret);
  });

  it('shows staged changes when asked, also without secrets', async () => {
    changeEverything();
    git(['add', '-A']);
    const unstaged = await createGitDiffTool().execute({}, context());
    expect(unstaged.ok && unstaged.text).toBe('No unstaged changes.');
    const staged = await createGitDiffTool().execute({ staged: true }, context());
    expect(staged.ok && staged.data.diff).toContain('+export const value = 2;');
    expect(staged.ok && staged.data.diff).toContain('new file mode 100644');
    expect(JSON.stringify(staged)).not.toMatch(/secret|token|PRIVATE/);
  });

  it('does not run an external diff or textconv program from the repository configuration', async () => {
    const script = path.join(markers, 'run.sh');
    writeFileSync(script, `#!/bin/sh\necho ran > "${path.join(markers, 'ran')}"\ncat "$1" 2>/dev/null\n`);
    chmodSync(script, 0o755);
    git(['config', 'diff.external', script]);
    git(['config', 'diff.conv.textconv', script]);
    write('.gitattributes', '*.ts diff=conv\n');
    write('src/app.ts', 'export const value = 3;\n');

    // Live: plain git runs it.
    git(['diff']);
    expect(existsSync(path.join(markers, 'ran'))).toBe(true);
    rmSync(path.join(markers, 'ran'));

    // Refused with a message naming the key and the file; nothing ran (issue 12, finding 1).
    const result = await createGitDiffTool().execute({}, context());
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toMatch(/sets diff\.(external|conv\.textconv) in .*config.*git config --file/);
    expect(existsSync(path.join(markers, 'ran'))).toBe(false);
    // Without the settings, the same diff works.
    git(['config', '--unset', 'diff.external']);
    git(['config', '--unset', 'diff.conv.textconv']);
    const clean = await createGitDiffTool().execute({}, context());
    expect(clean.ok && clean.data.diff).toContain('+export const value = 3;');
  });

  it('cuts a long diff and saves the whole of it as an artifact', async () => {
    write('src/app.ts', 'x'.repeat(500) + '\n');
    const result = await createGitDiffTool({ maxOutputCharacters: 200 }).execute({}, context());
    expect(result).toMatchObject({ ok: true, data: { truncated: true, artifact: 'artifacts/git-diff-unstaged.patch' } });
    expect(result.ok && result.text).toMatch(/diff cut at 200 of \d+ characters; the whole diff is saved as artifacts\/git-diff-unstaged.patch/);
    expect(savedArtifacts.get('git-diff-unstaged.patch')).toContain('x'.repeat(500));
  });
});

describe('git__log', () => {
  it('lists recent commits, newest first, up to the limit', async () => {
    git(['commit', '--quiet', '--allow-empty', '-m', 'Second']);
    git(['commit', '--quiet', '--allow-empty', '-m', 'Third: with a colon']);
    const result = await createGitLogTool().execute({ limit: 2 }, context());
    expect(result).toMatchObject({
      ok: true,
      data: {
        commits: [
          { author: 'Ada', subject: 'Third: with a colon' },
          { author: 'Ada', subject: 'Second' },
        ],
      },
    });
    expect(result.ok && result.text).toMatch(/^[0-9a-f]{7,} \d{4}-\d{2}-\d{2} Ada: Third: with a colon\n/);
  });

  it('says when there are no commits yet', async () => {
    rmSync(path.join(root, '.git'), { recursive: true, force: true });
    git(['init', '--quiet']);
    expect(await createGitLogTool().execute({}, context())).toMatchObject({ ok: true, text: 'No commits yet.' });
  });
});

describe('createGitTools', () => {
  it('gives the three read tools', () => {
    expect(createGitTools().map((tool) => [tool.name, tool.kind])).toEqual([
      ['git__status', 'read'],
      ['git__diff', 'read'],
      ['git__log', 'read'],
    ]);
  });

  it('reports a folder that is not a repository as a failed command, and a cancelled operation', async () => {
    const [status] = createGitTools();
    const result = await status!.execute({}, { ...context(), root: markers });
    expect(result).toMatchObject({ ok: false, error: { code: 'command_failed', message: expect.stringMatching(/not a git repository/) } });

    const controller = new AbortController();
    controller.abort();
    expect(await status!.execute({}, context(controller.signal))).toMatchObject({ ok: false, error: { code: 'cancelled' } });
  });
});
