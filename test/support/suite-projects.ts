import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const menderNodeModules = fs.realpathSync(path.resolve(import.meta.dirname, '../../node_modules'));

/**
 * A tool that keeps a cache the way babel, ava and nyc do (find-cache-dir: node_modules/.cache/<name>)
 * and one the way eslint/prettier plugins and many CLIs do ($XDG_CACHE_HOME or $HOME/.cache);
 * like them, it fails when the cache cannot be written.
 */
const cacheToolSource = `#!/usr/bin/env node
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const places = [
  path.join(process.cwd(), 'node_modules', '.cache', 'cache-tool'),
  path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cache-tool'),
];
for (const place of places) {
  try {
    fs.mkdirSync(place, { recursive: true });
    fs.writeFileSync(path.join(place, 'entry.json'), JSON.stringify({ at: process.pid }));
  } catch (error) {
    console.error('cache-tool: cannot write its cache at ' + place + ': ' + error.message);
    process.exit(1);
  }
}
console.log('cache-tool: caches written');
`;

export interface SuiteProject {
  shape: string;
  runner: 'node-test' | 'vitest';
  checkout: string;
  cleanup(): void;
}

function write(root: string, files: Record<string, string>): void {
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
}

function commitAll(root: string): void {
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', ...args], { cwd: root });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'project');
}

/** node:test behind a caching tool, chained with `&&` as many suites chain lint, build and tests. */
export function chainedNodeTestProject(): SuiteProject {
  const checkout = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'suite-chained-')));
  write(checkout, {
    'package.json': JSON.stringify({ name: 'chained', version: '1.0.0', scripts: { test: 'cache-tool && node --test' } }),
    'package-lock.json': '{}\n',
    '.gitignore': 'node_modules\n',
    'test/sum.test.js':
      "const test = require('node:test');\nconst assert = require('node:assert');\ntest('adds two numbers', () => assert.equal(1 + 2, 3));\ntest('adds nothing', () => assert.equal(0 + 0, 0));\n",
  });
  commitAll(checkout);
  write(checkout, {
    'node_modules/cache-tool/package.json': JSON.stringify({ name: 'cache-tool', version: '1.0.0', bin: 'cli.js' }),
    'node_modules/cache-tool/cli.js': cacheToolSource,
  });
  fs.chmodSync(path.join(checkout, 'node_modules/cache-tool/cli.js'), 0o755);
  fs.mkdirSync(path.join(checkout, 'node_modules/.bin'));
  fs.symlinkSync('../cache-tool/cli.js', path.join(checkout, 'node_modules/.bin/cache-tool'));
  return {
    shape: 'node:test chained after a caching tool',
    runner: 'node-test',
    checkout,
    cleanup: () => fs.rmSync(checkout, { recursive: true, force: true }),
  };
}

/** vitest (which keeps its results under node_modules/.vite) with one failing test. */
export function vitestProject(): SuiteProject {
  const checkout = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'suite-vitest-')));
  write(checkout, {
    'package.json': JSON.stringify({ name: 'vitest-shape', version: '1.0.0', type: 'module', scripts: { test: 'vitest run' } }),
    'package-lock.json': '{}\n',
    '.gitignore': 'node_modules\n',
    'test/math.test.js':
      "import { expect, it } from 'vitest';\nit('multiplies', () => expect(2 * 3).toBe(6));\nit('divides (broken on purpose)', () => expect(6 / 3).toBe(3));\n",
  });
  commitAll(checkout);
  fs.mkdirSync(path.join(checkout, 'node_modules/.bin'), { recursive: true });
  fs.symlinkSync(path.join(menderNodeModules, 'vitest'), path.join(checkout, 'node_modules/vitest'), 'dir');
  fs.symlinkSync(path.join(menderNodeModules, 'vitest/vitest.mjs'), path.join(checkout, 'node_modules/.bin/vitest'));
  return { shape: 'vitest with a failing test', runner: 'vitest', checkout, cleanup: () => fs.rmSync(checkout, { recursive: true, force: true }) };
}

export interface MaintainerRun {
  exitCode: number | null;
  testNames: string[];
  output: string;
}

/**
 * `npm test` as a maintainer runs it, outside Mender: the caller's environment with a home of
 * its own. Test names come from the runner's own listing (node:test's TAP, vitest's JSON).
 */
export function runLikeMaintainer(project: SuiteProject, folder: string): MaintainerRun {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'suite-home-'));
  const listing = path.join(home, 'listing.json');
  const args = project.runner === 'vitest' ? ['test', '--', '--reporter=default', '--reporter=json', `--outputFile.json=${listing}`] : ['test'];
  try {
    // The caller's environment without what the test runner running this file set for itself.
    const outside = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST') && !['NODE_OPTIONS', 'NODE_ENV', 'TEST', 'XDG_CACHE_HOME'].includes(name)),
    );
    const result = spawnSync('npm', args, { cwd: folder, env: { ...outside, HOME: home, CI: 'true' }, encoding: 'utf8' });
    const output = `${result.stdout}${result.stderr}`;
    const testNames =
      project.runner === 'vitest'
        ? (JSON.parse(fs.readFileSync(listing, 'utf8')) as { testResults: { assertionResults: { title: string }[] }[] }).testResults.flatMap((file) =>
            file.assertionResults.map((test) => test.title),
          )
        : [...output.matchAll(/^(?:not )?ok \d+ - (.+)$/gm)].map((match) => match[1]!.trim());
    return { exitCode: result.status, testNames: testNames.sort(), output };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** A plain `git worktree` of the checkout with node_modules linked to the checkout's, as Mender links it. */
export function plainWorktree(project: SuiteProject): string {
  const folder = `${project.checkout}-worktree`;
  execFileSync('git', ['worktree', 'add', '-q', '--detach', folder, 'main'], { cwd: project.checkout });
  fs.symlinkSync(path.join(project.checkout, 'node_modules'), path.join(folder, 'node_modules'), 'dir');
  return folder;
}
