import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPathPolicy } from '../../safety/path-policy.ts';
import { createDeleteFileTool } from './delete-file.ts';
import { createTestWorkspace } from './test-workspace.ts';
import type { TestWorkspace } from './test-workspace.ts';

let workspace: TestWorkspace;

beforeEach(() => {
  workspace = createTestWorkspace();
  workspace.write('src/old.ts', 'old\n');
});
afterEach(() => workspace.remove());

function deleteTool() {
  return createDeleteFileTool({ policy: createPathPolicy({ root: workspace.root }) });
}

describe('filesystem__deleteFile', () => {
  it('deletes a file', async () => {
    const result = await deleteTool().execute({ path: 'src/old.ts' }, workspace.context());
    expect(result).toEqual({ ok: true, data: { path: 'src/old.ts', symbolicLink: false }, text: 'Deleted src/old.ts' });
    expect(existsSync(path.join(workspace.root, 'src/old.ts'))).toBe(false);
  });

  it('reports a missing file and refuses a folder', async () => {
    expect(await deleteTool().execute({ path: 'src/gone.ts' }, workspace.context())).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await deleteTool().execute({ path: 'src' }, workspace.context())).toMatchObject({ ok: false, error: { code: 'not_a_file' } });
  });

  it('removes a symbolic link, not its target, even when the target is outside', async () => {
    const outsideFile = path.join(workspace.outside, 'keep.txt');
    writeFileSync(outsideFile, 'keep');
    symlinkSync(outsideFile, path.join(workspace.root, 'outside-link'));
    symlinkSync('src/old.ts', path.join(workspace.root, 'inside-link'));

    expect(await deleteTool().execute({ path: 'outside-link' }, workspace.context())).toMatchObject({ ok: true, data: { symbolicLink: true } });
    expect(await deleteTool().execute({ path: 'inside-link' }, workspace.context())).toMatchObject({ ok: true });
    expect(existsSync(outsideFile)).toBe(true);
    expect(existsSync(path.join(workspace.root, 'src/old.ts'))).toBe(true);
  });

  it('refuses files in .git, denied files, and files through a link to a folder outside', async () => {
    mkdirSync(path.join(workspace.root, '.git'));
    workspace.write('.git/HEAD', 'ref: refs/heads/main\n');
    workspace.write('.env', 'x');
    const outsideFile = path.join(workspace.outside, 'keep.txt');
    writeFileSync(outsideFile, 'keep');
    symlinkSync(workspace.outside, path.join(workspace.root, 'out'));

    expect(await deleteTool().execute({ path: '.git/HEAD' }, workspace.context())).toMatchObject({ ok: false, error: { code: 'path_denied' } });
    expect(await deleteTool().execute({ path: '.env' }, workspace.context())).toMatchObject({ ok: false, error: { code: 'path_denied' } });
    expect(await deleteTool().execute({ path: 'out/keep.txt' }, workspace.context())).toMatchObject({ ok: false, error: { code: 'path_outside_root' } });
    expect(await deleteTool().execute({ path: '../x' }, workspace.context())).toMatchObject({ ok: false });
    expect(existsSync(outsideFile)).toBe(true);
    expect(existsSync(path.join(workspace.root, '.git/HEAD'))).toBe(true);
    expect(existsSync(path.join(workspace.root, '.env'))).toBe(true);
  });
});
