import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const menderNodeModules = fs.realpathSync(path.resolve(import.meta.dirname, '../../node_modules'));

/**
 * Small real projects in the shapes that defeated Mender on real repositories, each with a bug,
 * a passing suite, and the test and fix a coder would write. Their runners are Mender's own
 * devDependencies, linked in as the project's node_modules.
 */
export interface ShapeFixture {
  name: string;
  /** What the fixture stands for, as a test title says it. */
  shape: string;
  folder: string;
  /** The new test the coder writes, and the id red must name. */
  newTest: { path: string; content: string };
  redId: string;
  fix: { path: string; content: string };
  cleanup(): void;
}

/** How much slow work the suite has beside the tests that matter (bench/verify makes suites of 20–60 s). */
export interface SuiteSize {
  slowFiles?: number;
  slowMs?: number;
}

/** Test files that only wait, like a real suite's slow tests: red on the new test alone skips them. */
function slowTests(folder: string, size: SuiteSize, defaults: Required<SuiteSize>, make: (index: number, ms: number) => string): Record<string, string> {
  const count = size.slowFiles ?? defaults.slowFiles;
  const ms = size.slowMs ?? defaults.slowMs;
  return Object.fromEntries(Array.from({ length: count }, (_, index) => [`${folder}/slow-${index}.test.js`, make(index, ms)]));
}

function create(name: string, files: Record<string, string>, links: Record<string, string>, bins: Record<string, string>): string {
  const folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `mender-shape-${name}-`)));
  for (const [file, content] of Object.entries({ ...files, '.gitignore': 'node_modules\ndist\n.nyc_output\ncoverage\n' })) {
    fs.mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
    fs.writeFileSync(path.join(folder, file), content);
  }
  fs.mkdirSync(path.join(folder, 'node_modules/.bin'), { recursive: true });
  for (const [as, target] of Object.entries(links)) fs.symlinkSync(path.join(menderNodeModules, target), path.join(folder, 'node_modules', as), 'dir');
  for (const [bin, target] of Object.entries(bins)) fs.symlinkSync(path.join('..', target), path.join(folder, 'node_modules/.bin', bin));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', ...args], { cwd: folder });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', `${name} with a bug`);
  return folder;
}

const slowTapeTest = (index: number, ms: number) =>
  `const test = require('tape');\ntest('slow ${index}', (t) => { setTimeout(() => { t.pass('waited'); t.end(); }, ${ms}); });\n`;
const slowTapTest = (index: number, ms: number) =>
  `const t = require('tap');\nt.test('slow ${index}', (t) => { setTimeout(() => { t.pass('waited'); t.end(); }, ${ms}); });\n`;
const slowJestTest = (index: number, ms: number) => `test('slow ${index}', () => new Promise((resolve) => setTimeout(resolve, ${ms})));\n`;

/** tap 16 with a 100 % coverage check and a TypeScript build in `pretest` through `npm run prepare`. */
export function tapWithBuild(size: SuiteSize = {}): ShapeFixture {
  const source = 'export function clamp(value: number, low: number, high: number): number {\n  return Math.min(Math.max(value, low), low);\n}\n';
  const folder = create(
    'tap',
    {
      'package.json': JSON.stringify(
        { name: 'clamp', version: '1.0.0', scripts: { pretest: 'npm run prepare', prepare: 'tsc -p tsconfig.json', test: 'tap --100 test/*.js' } },
        null,
        2,
      ),
      'tsconfig.json': JSON.stringify({
        compilerOptions: { outDir: 'dist', module: 'commonjs', target: 'es2020', lib: ['es2020'], types: [], skipLibCheck: true },
        files: ['src/clamp.ts'],
      }),
      'src/clamp.ts': source,
      'test/low.test.js':
        "const t = require('tap');\nconst { clamp } = require('../dist/clamp.js');\nt.test('clamp', (t) => { t.equal(clamp(-5, 0, 0), 0, 'raises to low'); t.end(); });\n",
      ...slowTests('test', size, { slowFiles: 0, slowMs: 0 }, slowTapTest),
    },
    { tap: 'tap16', typescript: 'typescript' },
    { tap: 'tap/bin/run.js', tsc: 'typescript/bin/tsc' },
  );
  return {
    name: 'tap-build',
    shape: 'tap 16 with a 100 % coverage check and a pretest build through npm run prepare',
    folder,
    newTest: {
      path: 'test/high.test.js',
      content:
        "const t = require('tap');\nconst { clamp } = require('../dist/clamp.js');\nt.test('clamp', (t) => { t.equal(clamp(15, 0, 10), 10, 'lowers to high'); t.end(); });\n",
    },
    redId: 'test/high.test.js::clamp > lowers to high',
    fix: { path: 'src/clamp.ts', content: source.replace('low), low)', 'low), high)') },
    cleanup: () => fs.rmSync(folder, { recursive: true, force: true }),
  };
}

/** tape behind `npm run test:unit`, TAP on stdout, with a few slow tests beside the one that matters. */
export function tapeBehindNpmRun(size: SuiteSize = {}): ShapeFixture {
  const source = "exports.initials = (name) => name.split(' ').map((part) => part[0]).join('');\n";
  const folder = create(
    'tape',
    {
      'package.json': JSON.stringify({ name: 'initials', version: '1.0.0', scripts: { test: 'npm run test:unit', 'test:unit': 'tape test/*.js' } }, null, 2),
      'index.js': source,
      'test/initials.test.js':
        "const test = require('tape');\nconst { initials } = require('..');\ntest('initials', (t) => { t.equal(initials('Ada Lovelace'), 'AL'); t.end(); });\n",
      ...slowTests('test', size, { slowFiles: 4, slowMs: 300 }, slowTapeTest),
    },
    { tape: 'tape' },
    { tape: 'tape/bin/tape' },
  );
  return {
    name: 'tape-npm-run',
    shape: 'tape behind npm run test:unit',
    folder,
    newTest: {
      path: 'test/case.test.js',
      content:
        "const test = require('tape');\nconst { initials } = require('..');\ntest('lower-case names', (t) => { t.equal(initials('ada lovelace'), 'AL', 'capitalises'); t.end(); });\n",
    },
    redId: 'test/case.test.js::lower-case names > capitalises',
    fix: { path: 'index.js', content: source.replace('part[0])', 'part[0].toUpperCase())') },
    cleanup: () => fs.rmSync(folder, { recursive: true, force: true }),
  };
}

/** jest as one of several commands chained with `&&`, each jest under another TZ. */
export function jestChain(size: SuiteSize = {}): ShapeFixture {
  const source = 'exports.dayOf = (iso) => new Date(iso).getDate();\n';
  const folder = create(
    'jest',
    {
      'package.json': JSON.stringify(
        {
          name: 'days',
          version: '1.0.0',
          scripts: { test: 'node -e "console.log(\'lint ok\')" && TZ=UTC jest && TZ=America/New_York jest && node -e "console.log(\'size ok\')"' },
        },
        null,
        2,
      ),
      'index.js': source,
      'test/day.test.js': "const { dayOf } = require('..');\ntest('reads the day of a date', () => { expect(dayOf('2024-03-10T12:00:00Z')).toBe(10); });\n",
      ...slowTests('test', size, { slowFiles: 0, slowMs: 0 }, slowJestTest),
    },
    { jest: 'jest' },
    { jest: 'jest/bin/jest.js' },
  );
  return {
    name: 'jest-chain',
    shape: 'jest chained with && under two TZ',
    folder,
    newTest: {
      path: 'test/midnight.test.js',
      content:
        "const { dayOf } = require('..');\ntest('the day of a UTC midnight is the same everywhere', () => { expect(dayOf('2024-03-10T00:30:00Z')).toBe(10); });\n",
    },
    redId: 'test/midnight.test.js::the day of a UTC midnight is the same everywhere',
    fix: { path: 'index.js', content: 'exports.dayOf = (iso) => new Date(iso).getUTCDate();\n' },
    cleanup: () => fs.rmSync(folder, { recursive: true, force: true }),
  };
}

/** npm workspaces: core (mocha) and app (tape, depending on core), the bug in app. */
export function npmWorkspaces(): ShapeFixture {
  const source = "exports.greet = (name) => 'hello ' + name;\n";
  const folder = create(
    'workspaces',
    {
      'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'], scripts: { test: 'npm test --workspaces' } }, null, 2),
      'packages/core/package.json': JSON.stringify({ name: '@shape/core', version: '1.0.0', scripts: { test: 'mocha test/*.test.js' } }),
      'packages/core/index.js': 'exports.sum = (a, b) => a + b;\n',
      'packages/core/test/sum.test.js':
        "const assert = require('node:assert/strict');\nconst { sum } = require('../index.js');\ndescribe('sum', () => { it('adds', () => assert.equal(sum(1, 1), 2)); });\n",
      'packages/app/package.json': JSON.stringify({
        name: '@shape/app',
        version: '1.0.0',
        dependencies: { '@shape/core': '1.0.0' },
        scripts: { test: 'tape test/*.js' },
      }),
      'packages/app/index.js': source,
      'packages/app/test/greet.test.js':
        "const test = require('tape');\nconst { greet } = require('..');\ntest('greets', (t) => { t.equal(greet('ada'), 'hello ada'); t.end(); });\n",
    },
    { mocha: 'mocha', tape: 'tape' },
    { mocha: 'mocha/bin/mocha.js', tape: 'tape/bin/tape' },
  );
  return {
    name: 'workspaces',
    shape: 'npm workspaces, the change in one package',
    folder,
    newTest: {
      path: 'packages/app/test/empty.test.js',
      content:
        "const test = require('tape');\nconst { greet } = require('..');\ntest('no name', (t) => { t.equal(greet(''), 'hello', 'greets nobody plainly'); t.end(); });\n",
    },
    redId: 'packages/app/test/empty.test.js::no name > greets nobody plainly',
    fix: { path: 'packages/app/index.js', content: "exports.greet = (name) => (name ? 'hello ' + name : 'hello');\n" },
    cleanup: () => fs.rmSync(folder, { recursive: true, force: true }),
  };
}
