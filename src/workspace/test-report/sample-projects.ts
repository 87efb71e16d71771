// Test support only: small real projects in temporary folders, so the parser tests exercise the
// report formats produced by the tools installed on this machine rather than remembered ones.
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** This repository's node_modules, linked into sample projects so they can import vitest. */
export const REPOSITORY_NODE_MODULES = path.resolve(import.meta.dirname, '../../../node_modules');
export const VITEST_BINARY = path.join(REPOSITORY_NODE_MODULES, '.bin', 'vitest');

export interface SampleProject {
  root: string;
  remove(): Promise<void>;
}

export interface ProcessOutcome {
  exitCode: number | null;
  /** stdout and stderr interleaved, as a person would see them. */
  output: string;
  stdout: string;
}

/** Writes the files (relative path → content) into a new temporary folder. */
export async function createSampleProject(files: Record<string, string>, options: { linkNodeModules?: boolean } = {}): Promise<SampleProject> {
  const root = await mkdtemp(path.join(tmpdir(), 'mender-test-report-'));
  for (const [relativePath, content] of Object.entries(files)) {
    const target = path.join(root, relativePath);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  if (options.linkNodeModules === true) {
    await symlink(REPOSITORY_NODE_MODULES, path.join(root, 'node_modules'), 'dir');
  }
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

/**
 * The environment of this process without the variables the outer vitest run sets, so a tool
 * started by a test behaves as it would when started by Mender.
 */
export function cleanEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('VITEST') || key === 'TEST' || key === 'NODE_OPTIONS') continue;
    environment[key] = value;
  }
  return { ...environment, ...extra };
}

/** Runs a shell command and collects its output. */
export function runShellCommand(command: string, options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, {
      cwd: options.cwd,
      env: options.env ?? cleanEnvironment(),
      shell: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, output, stdout }));
  });
}

/** A vitest project: passing, failing, nested, skipped and todo tests, and a file that cannot load. */
export const VITEST_SAMPLE_FILES: Record<string, string> = {
  'package.json': JSON.stringify({ type: 'module', scripts: { test: 'vitest run' } }),
  'src/math.test.ts': [
    "import { describe, expect, it } from 'vitest';",
    "describe('math', () => {",
    "  it('adds', () => {",
    '    expect(1 + 1).toBe(2);',
    '  });',
    "  describe('nested', () => {",
    "    it('subtracts', () => {",
    '      expect(2 - 1).toBe(3);',
    '    });',
    '  });',
    "  it.skip('is skipped', () => {});",
    "  it.todo('is planned');",
    '});',
    '',
  ].join('\n'),
  'src/broken.test.ts': [
    "import { missing } from './does-not-exist.ts';",
    "import { it } from 'vitest';",
    "it('never runs', () => {",
    '  missing();',
    '});',
    '',
  ].join('\n'),
};

/** A node:test project with the same shapes, plus a helper outside test/ so it is not run. */
export const NODE_TEST_SAMPLE_FILES: Record<string, string> = {
  'package.json': JSON.stringify({ type: 'module', scripts: { test: 'node --test' } }),
  'lib/helper.js': 'export const present = 1;\n',
  'test/math.test.js': [
    "import { describe, it, test } from 'node:test';",
    "import assert from 'node:assert/strict';",
    "test('adds', () => {",
    '  assert.equal(1 + 1, 2);',
    '});',
    "describe('math', () => {",
    "  it('multiplies', () => {",
    '    assert.equal(2 * 2, 4);',
    '  });',
    "  describe('nested', () => {",
    "    it('subtracts', () => {",
    '      assert.equal(2 - 1, 3);',
    '    });',
    '  });',
    '});',
    "test('is skipped', { skip: 'not ready' }, () => {});",
    "test('is planned', { todo: true }, () => {});",
    '',
  ].join('\n'),
  'test/broken.test.js': [
    "import { missing } from '../lib/helper.js';",
    "import { test } from 'node:test';",
    "test('never runs', () => {",
    '  missing();',
    '});',
    '',
  ].join('\n'),
};
