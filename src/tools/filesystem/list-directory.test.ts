import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPathPolicy } from '../../safety/path-policy.ts';
import { createListDirectoryTool, maxListedEntries } from './list-directory.ts';
import { createTestWorkspace } from './test-workspace.ts';
import type { TestWorkspace } from './test-workspace.ts';

let workspace: TestWorkspace;

beforeEach(() => {
  workspace = createTestWorkspace();
  workspace.write('package.json', '{}');
  workspace.write('src/index.ts', '');
  workspace.write('src/lib/util.ts', '');
  workspace.write('.env', 'TOKEN=1');
  workspace.write('config/secrets.yml', 'x');
  workspace.write('.git/HEAD', 'ref: refs/heads/main');
  workspace.write('node_modules/left-pad/index.js', '');
  workspace.write('.github/workflows/ci.yml', '');
});
afterEach(() => workspace.remove());

function listTool() {
  return createListDirectoryTool({ policy: createPathPolicy({ root: workspace.root }) });
}

describe('filesystem__listDirectory', () => {
  it('lists one folder, hiding .git and secrets', async () => {
    symlinkSync('src/index.ts', path.join(workspace.root, 'main.ts'));
    execFileSync('mkfifo', [path.join(workspace.root, 'pipe')]);
    const result = await listTool().execute({ path: '.' }, workspace.context());
    expect(result.ok && result.text).toBe(['.github/', 'config/', 'main.ts@', 'node_modules/', 'package.json', 'src/'].join('\n'));
  });

  it('lists recursively without expanding node_modules', async () => {
    const result = await listTool().execute({ path: '.', recursive: true }, workspace.context());
    expect(result.ok && result.text).toBe(
      [
        '.github/',
        '.github/workflows/',
        '.github/workflows/ci.yml',
        'config/',
        'node_modules/',
        'package.json',
        'src/',
        'src/index.ts',
        'src/lib/',
        'src/lib/util.ts',
      ].join('\n'),
    );
  });

  it('lists a sub-folder with root-relative paths', async () => {
    const result = await listTool().execute({ path: 'src/' }, workspace.context());
    expect(result).toMatchObject({
      ok: true,
      data: {
        path: 'src',
        entries: [
          { path: 'src/index.ts', type: 'file' },
          { path: 'src/lib', type: 'directory' },
        ],
      },
    });
  });

  it(`stops at ${maxListedEntries} entries and says so`, async () => {
    for (let index = 0; index < maxListedEntries + 5; index += 1) workspace.write(`many/file-${String(index).padStart(4, '0')}.txt`, '');
    const result = await listTool().execute({ path: 'many' }, workspace.context());
    expect(result).toMatchObject({ ok: true, data: { truncated: true } });
    if (!result.ok) return;
    expect(result.data.entries).toHaveLength(maxListedEntries);
    expect(result.text).toMatch(/listing stopped at 1000 entries/);
  });

  it('refuses .git, a file, and a link to a folder outside', async () => {
    symlinkSync(workspace.outside, path.join(workspace.root, 'out'));
    expect(await listTool().execute({ path: '.git' }, workspace.context())).toMatchObject({ ok: false, error: { code: 'path_denied' } });
    expect(await listTool().execute({ path: 'package.json' }, workspace.context())).toMatchObject({ ok: false, error: { code: 'not_a_directory' } });
    expect(await listTool().execute({ path: 'out' }, workspace.context())).toMatchObject({ ok: false, error: { code: 'path_outside_root' } });
    expect(await listTool().execute({ path: '/etc' }, workspace.context())).toMatchObject({ ok: false, error: { code: 'path_outside_root' } });
  });
});
