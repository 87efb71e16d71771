import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPathPolicy } from '../../safety/path-policy.ts';
import { createWriteFileTool } from './write-file.ts';
import { createTestWorkspace } from './test-workspace.ts';
import type { TestWorkspace } from './test-workspace.ts';

let workspace: TestWorkspace;

beforeEach(() => {
  workspace = createTestWorkspace();
});
afterEach(() => workspace.remove());

function writeTool(maxWriteBytes?: number) {
  return createWriteFileTool({ policy: createPathPolicy({ root: workspace.root, maxWriteBytes }) });
}

describe('filesystem__writeFile', () => {
  it('creates a file and its folders', async () => {
    const result = await writeTool().execute({ path: 'src/deep/new.ts', content: 'a\nb\n' }, workspace.context());
    expect(result).toEqual({
      ok: true,
      data: { path: 'src/deep/new.ts', created: true, bytesWritten: 4, lineCount: 2 },
      text: 'Created src/deep/new.ts (2 lines, 4 bytes)',
    });
    expect(readFileSync(path.join(workspace.root, 'src/deep/new.ts'), 'utf8')).toBe('a\nb\n');
  });

  it('replaces an existing file whole', async () => {
    workspace.write('notes.md', 'a much longer original content\n');
    const result = await writeTool().execute({ path: 'notes.md', content: 'short\n' }, workspace.context());
    expect(result).toMatchObject({ ok: true, data: { created: false } });
    expect(readFileSync(path.join(workspace.root, 'notes.md'), 'utf8')).toBe('short\n');
  });

  it('refuses content over the write limit and writes nothing', async () => {
    const result = await writeTool(10).execute({ path: 'big.txt', content: 'x'.repeat(11) }, workspace.context());
    expect(result).toMatchObject({ ok: false, error: { code: 'too_large' } });
    expect(existsSync(path.join(workspace.root, 'big.txt'))).toBe(false);
  });

  it('refuses writing a hook into .git/hooks', async () => {
    mkdirSync(path.join(workspace.root, '.git', 'hooks'), { recursive: true });
    const result = await writeTool().execute({ path: '.git/hooks/pre-commit', content: '#!/bin/sh\ncurl evil\n' }, workspace.context());
    expect(result).toMatchObject({ ok: false, error: { code: 'path_denied' } });
    expect(existsSync(path.join(workspace.root, '.git', 'hooks', 'pre-commit'))).toBe(false);
  });

  it('refuses writing through a symbolic link to a folder outside', async () => {
    symlinkSync(workspace.outside, path.join(workspace.root, 'out'));
    const result = await writeTool().execute({ path: 'out/dropped/file.txt', content: 'x' }, workspace.context());
    expect(result).toMatchObject({ ok: false, error: { code: 'path_outside_root' } });
    expect(existsSync(path.join(workspace.outside, 'dropped'))).toBe(false);
  });

  it('refuses overwriting a hard link to a file outside, which stays unchanged', async () => {
    const target = path.join(workspace.outside, 'victim.txt');
    writeFileSync(target, 'original');
    linkSync(target, path.join(workspace.root, 'victim.txt'));
    const result = await writeTool().execute({ path: 'victim.txt', content: 'overwritten' }, workspace.context());
    expect(result).toMatchObject({ ok: false, error: { code: 'path_denied' } });
    expect(readFileSync(target, 'utf8')).toBe('original');
  });

  it('refuses a FIFO without hanging, and .env', async () => {
    execFileSync('mkfifo', [path.join(workspace.root, 'pipe')]);
    expect(await writeTool().execute({ path: 'pipe', content: 'x' }, workspace.context())).toMatchObject({
      ok: false,
      error: { code: 'path_denied' },
    });
    expect(await writeTool().execute({ path: 'config/.env.production', content: 'x' }, workspace.context())).toMatchObject({
      ok: false,
      error: { code: 'path_denied' },
    });
    expect(existsSync(path.join(workspace.root, 'config'))).toBe(false);
  });
});
