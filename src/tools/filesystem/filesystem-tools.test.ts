import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../safety/operation-rate-limit.ts';
import { createPathPolicy } from '../../safety/path-policy.ts';
import { createFilesystemTools } from './filesystem-tools.ts';
import { createTestWorkspace } from './test-workspace.ts';
import type { TestWorkspace } from './test-workspace.ts';

let workspace: TestWorkspace;
beforeEach(() => {
  workspace = createTestWorkspace();
});
afterEach(() => workspace.remove());

describe('createFilesystemTools', () => {
  it('gives the six tools with their canonical names and kinds', () => {
    const tools = createFilesystemTools({ policy: createPathPolicy({ root: workspace.root }) });
    expect(tools.map((tool) => [tool.name, tool.kind])).toEqual([
      ['filesystem__readFile', 'read'],
      ['filesystem__writeFile', 'edit'],
      ['filesystem__editFile', 'edit'],
      ['filesystem__listDirectory', 'read'],
      ['filesystem__searchFiles', 'read'],
      ['filesystem__deleteFile', 'edit'],
    ]);
  });

  it('shares one rate limiter across the tools', async () => {
    const rateLimiter = createRateLimiter({ limit: 2, windowMs: 60_000 });
    const [readFile, writeFile, , listDirectory] = createFilesystemTools({ policy: createPathPolicy({ root: workspace.root }), rateLimiter });
    await writeFile!.execute({ path: 'a.txt', content: 'a' }, workspace.context());
    await readFile!.execute({ path: 'a.txt' }, workspace.context());
    expect(await listDirectory!.execute({ path: '.' }, workspace.context())).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('validates arguments with the input schemas', () => {
    const [readFile] = createFilesystemTools({ policy: createPathPolicy({ root: workspace.root }) });
    expect(readFile!.inputSchema.safeParse({ path: 'a.ts', startLine: 0 }).success).toBe(false);
    expect(readFile!.inputSchema.safeParse({ path: 'a.ts', startLine: 2 }).success).toBe(true);
  });
});
