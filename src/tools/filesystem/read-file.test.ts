import { execFileSync } from 'node:child_process';
import { linkSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../safety/operation-rate-limit.ts';
import { createPathPolicy } from '../../safety/path-policy.ts';
import { createReadFileTool } from './read-file.ts';
import { createTestWorkspace } from './test-workspace.ts';
import type { TestWorkspace } from './test-workspace.ts';

let workspace: TestWorkspace;

beforeEach(() => {
  workspace = createTestWorkspace();
  workspace.write('src/app.ts', 'one\ntwo\nthree\nfour\nfive\n');
});
afterEach(() => workspace.remove());

function readTool(maxReadBytes?: number) {
  return createReadFileTool({ policy: createPathPolicy({ root: workspace.root, maxReadBytes }) });
}

describe('filesystem__readFile', () => {
  it('returns numbered lines and the line count', async () => {
    const result = await readTool().execute({ path: 'src/app.ts' }, workspace.context());
    expect(result).toEqual({
      ok: true,
      data: { path: 'src/app.ts', binary: false, startLine: 1, endLine: 5, totalLines: 5, content: '1\tone\n2\ttwo\n3\tthree\n4\tfour\n5\tfive' },
      text: 'src/app.ts, lines 1-5 of 5:\n1\tone\n2\ttwo\n3\tthree\n4\tfour\n5\tfive',
    });
  });

  it('returns a line range, clamping an end past the last line', async () => {
    const result = await readTool().execute({ path: 'src/app.ts', startLine: 4, endLine: 99 }, workspace.context());
    expect(result).toMatchObject({ ok: true, data: { startLine: 4, endLine: 5, totalLines: 5, content: '4\tfour\n5\tfive' } });
    if (result.ok) expect(result.text).toContain('the file ends at line 5');
  });

  it('refuses a range that starts past the end or runs backwards', async () => {
    const past = await readTool().execute({ path: 'src/app.ts', startLine: 9 }, workspace.context());
    expect(past).toEqual({
      ok: false,
      error: { code: 'invalid_range', message: 'startLine 9 is past the end of src/app.ts, which has 5 lines' },
    });
    const backwards = await readTool().execute({ path: 'src/app.ts', startLine: 3, endLine: 2 }, workspace.context());
    expect(backwards).toMatchObject({ ok: false, error: { code: 'invalid_range' } });
  });

  it('refuses a file over the limit without a range, and reads a range of it up to five times the limit', async () => {
    workspace.write('big.txt', 'x'.repeat(99) + '\n'.repeat(1) + 'y'.repeat(99) + '\n' + 'z'.repeat(200) + '\n');
    const whole = await readTool(250).execute({ path: 'big.txt' }, workspace.context());
    expect(whole).toMatchObject({ ok: false, error: { code: 'too_large', message: expect.stringMatching(/startLine and endLine/) } });

    const part = await readTool(250).execute({ path: 'big.txt', startLine: 2, endLine: 2 }, workspace.context());
    expect(part).toMatchObject({ ok: true, data: { content: `2\t${'y'.repeat(99)}`, totalLines: 3 } });

    workspace.write('huge.txt', 'h\n'.repeat(1000));
    const huge = await readTool(250).execute({ path: 'huge.txt', startLine: 1, endLine: 1 }, workspace.context());
    expect(huge).toMatchObject({ ok: false, error: { code: 'too_large', message: expect.stringMatching(/cannot be read even in parts/) } });
  });

  it('does not show binary content', async () => {
    writeFileSync(path.join(workspace.root, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    const result = await readTool().execute({ path: 'image.png' }, workspace.context());
    expect(result).toMatchObject({ ok: true, data: { binary: true, sizeBytes: 6 } });
  });

  it('reads an empty file', async () => {
    workspace.write('empty.txt', '');
    const result = await readTool().execute({ path: 'empty.txt' }, workspace.context());
    expect(result).toMatchObject({ ok: true, data: { totalLines: 0, content: '' }, text: 'empty.txt is empty (0 lines)' });
  });

  describe('refuses to leak', () => {
    it('/etc/passwd through a symbolic link', async () => {
      symlinkSync('/etc/passwd', path.join(workspace.root, 'passwd.txt'));
      const result = await readTool().execute({ path: 'passwd.txt' }, workspace.context());
      expect(result).toMatchObject({ ok: false, error: { code: 'path_outside_root' } });
      expect(JSON.stringify(result)).not.toContain('root:');
    });

    it('a file outside through ../ or an absolute path', async () => {
      writeFileSync(path.join(workspace.outside, 'secret.txt'), 'outside secret');
      const escape = await readTool().execute({ path: `../${path.basename(workspace.outside)}/secret.txt` }, workspace.context());
      const absolute = await readTool().execute({ path: path.join(workspace.outside, 'secret.txt') }, workspace.context());
      expect(escape).toMatchObject({ ok: false, error: { code: 'path_outside_root' } });
      expect(absolute).toMatchObject({ ok: false, error: { code: 'path_outside_root' } });
    });

    it('a file outside through a hard link', async () => {
      writeFileSync(path.join(workspace.outside, 'secret.txt'), 'outside secret');
      linkSync(path.join(workspace.outside, 'secret.txt'), path.join(workspace.root, 'notes.txt'));
      const result = await readTool().execute({ path: 'notes.txt' }, workspace.context());
      expect(result).toMatchObject({ ok: false, error: { code: 'path_denied' } });
      expect(JSON.stringify(result)).not.toContain('outside secret');
    });

    it('.env', async () => {
      workspace.write('.env', 'API_TOKEN=super-secret');
      const result = await readTool().execute({ path: '.env' }, workspace.context());
      expect(result).toMatchObject({ ok: false, error: { code: 'path_denied', message: expect.stringContaining('deny pattern ".env"') } });
      expect(JSON.stringify(result)).not.toContain('super-secret');
    });

    it('a FIFO, without hanging', async () => {
      execFileSync('mkfifo', [path.join(workspace.root, 'pipe')]);
      const result = await readTool().execute({ path: 'pipe' }, workspace.context());
      expect(result).toMatchObject({ ok: false, error: { code: 'path_denied' } });
    });

    it('.git/config', async () => {
      workspace.write('.git/config', '[remote "origin"]\nurl = https://token@example.com\n');
      const result = await readTool().execute({ path: '.git/config' }, workspace.context());
      expect(result).toMatchObject({ ok: false, error: { code: 'path_denied' } });
    });
  });

  it('counts every call against the rate limiter', async () => {
    const rateLimiter = createRateLimiter({ limit: 2, windowMs: 60_000 });
    const tool = createReadFileTool({ policy: createPathPolicy({ root: workspace.root }), rateLimiter });
    await tool.execute({ path: 'src/app.ts' }, workspace.context());
    await tool.execute({ path: 'missing.ts' }, workspace.context());
    const third = await tool.execute({ path: 'src/app.ts' }, workspace.context());
    expect(third).toMatchObject({ ok: false, error: { code: 'rate_limited', message: expect.stringMatching(/more than 2 filesystem operations in 60 s/) } });
    const otherOperation = await tool.execute({ path: 'src/app.ts' }, workspace.context({ operationId: 'operation-other' }));
    expect(otherOperation.ok).toBe(true);
  });

  it('returns cancelled once the operation is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await readTool().execute({ path: 'src/app.ts' }, workspace.context({ signal: controller.signal }));
    expect(result).toMatchObject({ ok: false, error: { code: 'cancelled' } });
  });
});
