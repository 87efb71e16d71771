import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPathPolicy } from '../../safety/path-policy.ts';
import { createEditFileTool } from './edit-file.ts';
import { createTestWorkspace } from './test-workspace.ts';
import type { TestWorkspace } from './test-workspace.ts';

let workspace: TestWorkspace;

beforeEach(() => {
  workspace = createTestWorkspace();
  workspace.write('list.txt', ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'].join('\n') + '\n');
});
afterEach(() => workspace.remove());

function editTool() {
  return createEditFileTool({ policy: createPathPolicy({ root: workspace.root }) });
}

function fileContent(relative = 'list.txt'): string {
  return readFileSync(path.join(workspace.root, relative), 'utf8');
}

describe('filesystem__editFile', () => {
  it('replaces an inclusive range and shows the lines around it', async () => {
    const result = await editTool().execute({ path: 'list.txt', startLine: 5, endLine: 6, newContent: 'five\nsix\nsix and a half\n' }, workspace.context());
    expect(fileContent()).toBe('1\n2\n3\n4\nfive\nsix\nsix and a half\n7\n8\n9\n10\n');
    expect(result).toMatchObject({ ok: true, data: { totalLines: 11, insertedLines: 3 } });
    if (!result.ok) return;
    expect(result.data.context).toBe(' 2\t2\n 3\t3\n 4\t4\n 5\tfive\n 6\tsix\n 7\tsix and a half\n 8\t7\n 9\t8\n10\t9');
    expect(result.text).toContain('replaced lines 5-6 (2 lines) with 3 lines; it now has 11 lines');
  });

  it('inserts with endLine = startLine - 1, appends after the last line, and deletes with empty content', async () => {
    await editTool().execute({ path: 'list.txt', startLine: 1, endLine: 0, newContent: 'zero' }, workspace.context());
    await editTool().execute({ path: 'list.txt', startLine: 12, endLine: 11, newContent: 'eleven' }, workspace.context());
    await editTool().execute({ path: 'list.txt', startLine: 2, endLine: 10, newContent: '' }, workspace.context());
    expect(fileContent()).toBe('zero\n10\neleven\n');
  });

  it('refuses an out-of-range edit with the line count, changing nothing', async () => {
    const result = await editTool().execute({ path: 'list.txt', startLine: 9, endLine: 12, newContent: 'x' }, workspace.context());
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid_range', message: expect.stringContaining('lines 9-12 are not a range of list.txt, which has 10 lines') },
    });
    expect(fileContent()).toBe('1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n');
  });

  it('keeps Windows line endings and a missing final newline', async () => {
    workspace.write('crlf.txt', 'a\r\nb\r\nc');
    await editTool().execute({ path: 'crlf.txt', startLine: 2, endLine: 2, newContent: 'B1\nB2' }, workspace.context());
    expect(fileContent('crlf.txt')).toBe('a\r\nB1\r\nB2\r\nc');
  });

  it('fills an empty file', async () => {
    workspace.write('empty.txt', '');
    await editTool().execute({ path: 'empty.txt', startLine: 1, endLine: 0, newContent: 'first' }, workspace.context());
    expect(fileContent('empty.txt')).toBe('first\n');
  });

  it('can empty a file', async () => {
    const result = await editTool().execute({ path: 'list.txt', startLine: 1, endLine: 10, newContent: '' }, workspace.context());
    expect(fileContent()).toBe('');
    expect(result).toMatchObject({ ok: true, data: { totalLines: 0 }, text: expect.stringContaining('it is now empty') });
  });

  it('refuses missing files, denied files and links leading outside', async () => {
    expect(await editTool().execute({ path: 'nope.txt', startLine: 1, endLine: 1, newContent: 'x' }, workspace.context())).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    workspace.write('.env', 'TOKEN=1\n');
    expect(await editTool().execute({ path: '.env', startLine: 1, endLine: 1, newContent: 'TOKEN=2' }, workspace.context())).toMatchObject({
      ok: false,
      error: { code: 'path_denied' },
    });
    symlinkSync('/etc/hostname', path.join(workspace.root, 'hostname'));
    expect(await editTool().execute({ path: 'hostname', startLine: 1, endLine: 1, newContent: 'x' }, workspace.context())).toMatchObject({
      ok: false,
      error: { code: 'path_outside_root' },
    });
  });
});
