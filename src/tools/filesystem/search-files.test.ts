import { execFileSync } from 'node:child_process';
import { linkSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPathPolicy } from '../../safety/path-policy.ts';
import { createSearchFilesTool, maxSearchMatches } from './search-files.ts';
import { createTestWorkspace } from './test-workspace.ts';
import type { TestWorkspace } from './test-workspace.ts';

function ripgrepInstalled(): boolean {
  try {
    execFileSync('rg', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let workspace: TestWorkspace;

beforeEach(() => {
  workspace = createTestWorkspace();
  workspace.write('src/a.ts', 'const needle = 1;\nconst other = 2;\n');
  workspace.write('src/b.ts', 'no match here\n// needle again\n');
  workspace.write('docs/readme.md', 'a needle in docs\n');
  workspace.write('.env', 'NEEDLE_TOKEN=needle-secret\n');
  workspace.write('config/credentials.json', '{"needle": "secret"}\n');
  workspace.write('.git/config', 'needle in git config\n');
  workspace.write('node_modules/pkg/index.js', 'needle in dependency\n');
  writeFileSync(path.join(workspace.outside, 'outside.txt'), 'needle outside\n');
});
afterEach(() => workspace.remove());

const engines: Array<{ name: 'ripgrep' | 'javascript'; ripgrepCommand: string | false }> = [
  ...(ripgrepInstalled() ? [{ name: 'ripgrep' as const, ripgrepCommand: 'rg' }] : []),
  { name: 'javascript', ripgrepCommand: false },
];

describe.each(engines)('filesystem__searchFiles with $name', ({ name, ripgrepCommand }) => {
  function searchTool() {
    return createSearchFilesTool({ policy: createPathPolicy({ root: workspace.root }), ripgrepCommand });
  }

  it('answers path:line: text for every match, in path order', async () => {
    const result = await searchTool().execute({ pattern: 'needle' }, workspace.context());
    expect(result).toMatchObject({ ok: true, data: { engine: name, truncated: false } });
    expect(result.ok && result.text).toBe(['docs/readme.md:1: a needle in docs', 'src/a.ts:1: const needle = 1;', 'src/b.ts:2: // needle again'].join('\n'));
  });

  it('never shows denied files, .git, node_modules, or files reached through links and hard links', async () => {
    symlinkSync(path.join(workspace.outside, 'outside.txt'), path.join(workspace.root, 'linked.txt'));
    symlinkSync(workspace.outside, path.join(workspace.root, 'outside-folder'));
    linkSync(path.join(workspace.outside, 'outside.txt'), path.join(workspace.root, 'hard.txt'));
    const result = await searchTool().execute({ pattern: 'needle|secret' }, workspace.context());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const shown = JSON.stringify(result);
    for (const leaked of ['needle-secret', 'credentials', 'git config', 'dependency', 'outside']) expect(shown).not.toContain(leaked);
  });

  it('skips a FIFO instead of hanging on it', async () => {
    execFileSync('mkfifo', [path.join(workspace.root, 'src', 'pipe')]);
    const result = await searchTool().execute({ pattern: 'needle', directory: 'src' }, workspace.context());
    expect(result).toMatchObject({ ok: true, data: { directory: 'src', matches: [{ path: 'src/a.ts' }, { path: 'src/b.ts' }] } });
  });

  it('searches only the given folder, which the policy checks', async () => {
    const result = await searchTool().execute({ pattern: 'needle', directory: 'docs' }, workspace.context());
    expect(result).toMatchObject({ ok: true, data: { matches: [{ path: 'docs/readme.md', line: 1 }] } });
    expect(await searchTool().execute({ pattern: 'needle', directory: '..' }, workspace.context())).toMatchObject({
      ok: false,
      error: { code: 'path_outside_root' },
    });
    expect(await searchTool().execute({ pattern: 'needle', directory: '.git' }, workspace.context())).toMatchObject({
      ok: false,
      error: { code: 'path_denied' },
    });
  });

  it('reports an invalid regular expression', async () => {
    const result = await searchTool().execute({ pattern: 'needle(' }, workspace.context());
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_arguments', message: expect.stringMatching(/regular expression/) } });
  });

  it(`stops at ${maxSearchMatches} matches and says so`, async () => {
    workspace.write('many.txt', 'hit\n'.repeat(maxSearchMatches + 50));
    const result = await searchTool().execute({ pattern: '^hit$' }, workspace.context());
    expect(result).toMatchObject({ ok: true, data: { truncated: true } });
    if (!result.ok) return;
    expect(result.data.matches).toHaveLength(maxSearchMatches);
    expect(result.text).toMatch(/stopped at 200 matches/);
  });

  it('says when nothing matches', async () => {
    const result = await searchTool().execute({ pattern: 'zebra' }, workspace.context());
    expect(result).toMatchObject({ ok: true, data: { matches: [] }, text: 'No matches for /zebra/ in .' });
  });
});

describe('filesystem__searchFiles without ripgrep', () => {
  it('falls back to the JavaScript search when the program is missing', async () => {
    const tool = createSearchFilesTool({
      policy: createPathPolicy({ root: workspace.root }),
      ripgrepCommand: path.join(workspace.outside, 'no-such-rg'),
    });
    const result = await tool.execute({ pattern: 'needle', directory: 'src' }, workspace.context());
    expect(result).toMatchObject({ ok: true, data: { engine: 'javascript', matches: [{ path: 'src/a.ts' }, { path: 'src/b.ts' }] } });
  });
});
