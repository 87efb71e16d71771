import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { folderCycles, folderGraph, readSourceTree } from '../scripts/folder-imports.ts';
import { layerViolations, readLayerOrder } from '../scripts/layer-order.ts';

const projectRoot = path.resolve(import.meta.dirname, '..');
const order = readLayerOrder(path.join(projectRoot, 'scripts/layers.json'));

/** The check in-process, as `file:line  message` lines: the process is run only where its exit code matters. */
function violationLines(root: string): string[] {
  const tree = readSourceTree(root);
  return layerViolations(order, tree.fileCounts.keys(), tree.crossFolderImports).map(
    (violation) => `${violation.file}:${violation.line}  ${violation.message}`,
  );
}

async function checkLayers(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [path.join(projectRoot, 'bin/run-ts.mjs'), path.join(projectRoot, 'scripts/check-layers.ts'), ...args],
      { cwd: projectRoot },
    );
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
    const result = await checkLayers('--graph', '--root', root);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('\nsrc/store/user-store.ts:1  store → pipeline: upward, into layer "operation"\n');
    expect(result.stdout).toContain('Strongly connected sets: \n');
    expect(result.stdout).toMatch(/\n {2}\d+ folders: .*pipeline.*store/);
    expect(result.stderr).toContain('1 import(s) break the layer order');
  });

  it('passes on imports that point down the order, and ignores tests, comments and packages', () => {
    write('src/store/rows.ts', `import { z } from 'zod';\n// import { run } from '../pipeline/run.ts';\nexport const rows = z.string();\n`);
    write('src/store/rows.test.ts', `import { run } from '../pipeline/run.ts';\n`);
    write('src/pipeline/run.ts', `import { rows } from '../store/rows.ts';\nexport const run = rows;\n`);
    expect(violationLines(root)).toEqual([]);
  });

  it('finds upward imports written as import type, export from and import()', () => {
    write('src/pipeline/run.ts', `export const run = 1;\nexport type Run = number;\n`);
    write('src/store/a.ts', `import type { Run } from '../pipeline/run.ts';\nexport type A = Run;\n`);
    write('src/store/b.ts', `\nexport { run } from '../pipeline/run.ts';\n`);
    write('src/store/nested/c.ts', `export async function c() {\n  return import('../../pipeline/run.ts');\n}\n`);
    expect(violationLines(root)).toEqual([
      'src/store/a.ts:1  store → pipeline: upward, into layer "operation"',
      'src/store/b.ts:2  store → pipeline: upward, into layer "operation"',
      'src/store/nested/c.ts:2  store → pipeline: upward, into layer "operation"',
    ]);
  });

  it('refuses imports between folders of an independent layer, and folders in no layer', () => {
    write('src/safety/policy.ts', `export const policy = 1;\n`);
    write('src/store/rows.ts', `import { policy } from '../safety/policy.ts';\nexport const rows = policy;\n`);
    write('src/attic/old.ts', `export const old = 1;\n`);
    expect(violationLines(root)).toEqual([
      'src/attic/:0  src/attic is in no layer of scripts/layers.json',
      'src/store/rows.ts:1  store → safety: sideways inside independent layer "foundations"',
    ]);
  });

  it('measures the folder graph, its strongly connected sets and file counts', () => {
    write('src/pipeline/run.ts', `import { rows } from '../store/rows.ts';\nexport const run = rows;\n`);
    write('src/store/rows.ts', `import { run } from '../pipeline/run.ts';\nexport const rows = 1;\nexport const again = run;\n`);
    write('src/store/more.ts', `export const more = 1;\n`);
    write('src/queue/jobs.ts', `import { more } from '../store/more.ts';\nexport const jobs = more;\n`);
    const tree = readSourceTree(root);
    const graph = folderGraph(tree.crossFolderImports);
    expect(Object.fromEntries([...graph].map(([folder, targets]) => [folder, Object.fromEntries(targets)]))).toEqual({
      pipeline: { store: 1 },
      store: { pipeline: 1 },
      queue: { store: 1 },
    });
    expect(folderCycles([...tree.fileCounts.keys()], graph)).toEqual([['pipeline', 'store']]);
    expect(Object.fromEntries(tree.fileCounts)).toEqual({ pipeline: 1, queue: 1, store: 2 });
  });
});
