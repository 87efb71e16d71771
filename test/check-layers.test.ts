import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const projectRoot = path.resolve(import.meta.dirname, '..');

async function checkLayers(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(projectRoot, 'bin/run-ts.mjs'), path.join(projectRoot, 'scripts/check-layers.ts'), ...args], { cwd: projectRoot });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('scripts/check-layers.ts', () => {
  let root: string;

  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-layers-'));
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('passes on this repository', async () => {
    const result = await checkLayers();
    expect(result.stdout).toContain('Folder imports follow the layer order');
    expect(result.code).toBe(0);
  });

  it('fails on a back-import planted in a copy of this repository', async () => {
    fs.cpSync(path.join(projectRoot, 'src'), path.join(root, 'src'), { recursive: true });
    const planted = path.join(root, 'src/store/user-store.ts');
    fs.writeFileSync(planted, `import type { OperationStore } from '../pipeline/operation-store.ts';\n${fs.readFileSync(planted, 'utf8')}`);
    const result = await checkLayers('--root', root);
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n')).toEqual(['src/store/user-store.ts:1  store → pipeline: upward, into layer "operation"']);
  });

  it('passes on imports that point down the order, and ignores tests, comments and packages', async () => {
    write('src/store/rows.ts', `import { z } from 'zod';\n// import { run } from '../pipeline/run.ts';\nexport const rows = z.string();\n`);
    write('src/store/rows.test.ts', `import { run } from '../pipeline/run.ts';\n`);
    write('src/pipeline/run.ts', `import { rows } from '../store/rows.ts';\nexport const run = rows;\n`);
    const result = await checkLayers('--root', root);
    expect(result.stdout).toContain('Folder imports follow the layer order');
    expect(result.code).toBe(0);
  });

  it('finds upward imports written as import type, export from and import()', async () => {
    write('src/pipeline/run.ts', `export const run = 1;\nexport type Run = number;\n`);
    write('src/store/a.ts', `import type { Run } from '../pipeline/run.ts';\nexport type A = Run;\n`);
    write('src/store/b.ts', `\nexport { run } from '../pipeline/run.ts';\n`);
    write('src/store/nested/c.ts', `export async function c() {\n  return import('../../pipeline/run.ts');\n}\n`);
    const result = await checkLayers('--root', root);
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n')).toEqual([
      'src/store/a.ts:1  store → pipeline: upward, into layer "operation"',
      'src/store/b.ts:2  store → pipeline: upward, into layer "operation"',
      'src/store/nested/c.ts:2  store → pipeline: upward, into layer "operation"',
    ]);
  });

  it('refuses imports between folders of an independent layer, and folders in no layer', async () => {
    write('src/safety/policy.ts', `export const policy = 1;\n`);
    write('src/store/rows.ts', `import { policy } from '../safety/policy.ts';\nexport const rows = policy;\n`);
    write('src/attic/old.ts', `export const old = 1;\n`);
    const result = await checkLayers('--root', root);
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n')).toEqual([
      'src/attic/:0  src/attic is in no layer of scripts/layers.json',
      'src/store/rows.ts:1  store → safety: sideways inside independent layer "foundations"',
    ]);
  });

  it('prints the folder graph, its strongly connected sets and file counts with --graph', async () => {
    write('src/pipeline/run.ts', `import { rows } from '../store/rows.ts';\nexport const run = rows;\n`);
    write('src/store/rows.ts', `import { run } from '../pipeline/run.ts';\nexport const rows = 1;\nexport const again = run;\n`);
    write('src/store/more.ts', `export const more = 1;\n`);
    const result = await checkLayers('--graph', '--root', root);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('  pipeline → store (1)\n  store → pipeline (1)\n');
    expect(result.stdout).toContain('Strongly connected sets: \n  2 folders: pipeline, store\n');
    expect(result.stdout).toContain('Production files per folder (3 in all):\n  pipeline 1\n  store 2\n');
  });
});
