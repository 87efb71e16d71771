import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFocusedChain } from './focus-test-chain.ts';
import { globToRegExp } from './focus-step.ts';
import { createSampleProject, runShellCommand, type SampleProject } from './sample-projects.ts';

// Which programs a focused plan starts: each tool below is a probe on PATH that only logs its name.
const PROBED = ['eslint', 'xo', 'ava', 'tsc', 'tsd', 'vitest', 'size-limit'];
beforeAll(async () => {
  const files: Record<string, string> = {
    'package.json': '{}',
    'scripts/build.mjs': "import fs from 'node:fs'; fs.appendFileSync('ran.log', 'build\\n');\n",
    'scripts/report.js': "require('fs').appendFileSync('ran.log', 'report\\n');\n",
  };
  for (const tool of PROBED) files[`node_modules/.bin/${tool}`] = `#!/bin/sh\necho ${tool} >> ran.log\n`;
  const created = await createSampleProject(files);
  project = created;
  for (const tool of PROBED) fs.chmodSync(path.join(created.root, 'node_modules/.bin', tool), 0o755);
});
afterAll(() => project?.remove());

async function programsRun(command: string): Promise<string[]> {
  const root = project!.root;
  fs.rmSync(path.join(root, 'ran.log'), { force: true });
  await runShellCommand(command, { cwd: root });
  const log = path.join(root, 'ran.log');
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
}

let project: SampleProject | undefined;
// Reports go into the sample project, which exists by the time a plan is run.
const plan = (command: string, scripts: Record<string, string>, files: string[]) => planFocusedChain(command, { scripts }, files, project?.root ?? '/reports');
const focusedSteps = (command: string, scripts: Record<string, string>, files: string[]) => {
  const planned = plan(command, scripts, files);
  if (!planned.ok) throw new Error(planned.reason);
  return planned.plan.steps.map((step) => step.command);
};

describe('planFocusedChain runs the new tests alone', () => {
  it('replaces a runner’s glob by the changed files it selects, keeping the wrapper and the pretest build', () => {
    const scripts = { pretest: 'tsc -p tsconfig.json', test: 'c8 --reporter=text mocha --timeout 5000 test/*.mjs' };
    const planned = plan('npm test', scripts, ['test/parse.test.mjs', 'docs/test/x.mjs']);
    expect(planned.ok).toBe(true);
    if (!planned.ok) return;
    expect(planned.plan.steps.map((step) => step.command)).toEqual(['c8 --reporter=text mocha --timeout 5000 test/parse.test.mjs']);
    // The build runs first; nothing else was left out here.
    expect(planned.plan.command).toContain('tsc -p tsconfig.json');
  });

  it('leaves out linters and type tests before the runner and everything after it', async () => {
    const scripts = { test: 'eslint . && xo && ava && tsc && tsd', posttest: 'node scripts/report.js' };
    const planned = plan('npm test', scripts, ['test/a.js']);
    if (!planned.ok) throw new Error(planned.reason);
    expect(planned.plan.steps.map((step) => step.command)).toEqual(['ava test/a.js']);
    expect(await programsRun(planned.plan.command)).toEqual(['ava']);
  });

  it('keeps a build before the runner, even one it does not know', async () => {
    const scripts = { test: 'npm run lint && node scripts/build.mjs && vitest run && size-limit', lint: 'eslint src' };
    const planned = plan('npm test', scripts, ['src/a.test.ts']);
    if (!planned.ok) throw new Error(planned.reason);
    expect(await programsRun(planned.plan.command)).toEqual(['build', 'vitest']);
    expect(planned.plan.steps.map((step) => step.command)).toEqual(['vitest run src/a.test.ts']);
  });

  it('gives each jest of a TZ chain the files its pattern selects, keeping its environment', () => {
    const scripts = { test: 'TZ=UTC jest --rootDir test/jest utc && cross-env TZ=Asia/Tokyo jest --rootDir test/jest tokyo && TZ=Europe/Paris jest' };
    expect(focusedSteps('npm test', scripts, ['test/jest/utc.test.js'])).toEqual([
      'TZ=UTC jest --rootDir test/jest test/jest/utc.test.js',
      'TZ=Europe/Paris jest test/jest/utc.test.js',
    ]);
  });

  it('keeps a piped formatter', () => {
    const scripts = { 'test:unit': 'tape test/**/*.js | tap-spec', test: 'npm run test:unit' };
    const planned = plan('npm test', scripts, ['test/deep/a.js']);
    if (!planned.ok) throw new Error(planned.reason);
    expect(planned.plan.steps.map((step) => step.command)).toEqual(['tape test/deep/a.js']);
    expect(planned.plan.command).toContain('tap-spec');
  });

  it('passes options after -- on, and node --test gets the files instead of its folder', () => {
    expect(focusedSteps('node --test --import tsx test/', {}, ['test/a.test.ts'])).toEqual(['node --test --import tsx test/a.test.ts']);
    expect(focusedSteps('tap test/*.js -- --flag', {}, ['test/b.js'])).toEqual(['tap test/b.js -- --flag']);
  });

  it('says why when no runner selects the files or none can be found', () => {
    expect(plan('npm test', { test: 'mocha test/unit/*.js' }, ['e2e/flow.test.js'])).toEqual({
      ok: false,
      reason: 'no runner of the test command selects the changed test files',
    });
    const unknown = plan('npm test', { test: 'make check' }, ['test/a.js']);
    expect(unknown.ok).toBe(false);
    expect(plan('npm test', { test: 'mocha' }, [])).toEqual({ ok: false, reason: 'no test file was added or changed' });
  });
});

describe('globToRegExp', () => {
  it('matches as the runners’ globs do', () => {
    expect(globToRegExp('test/**/*.js').test('test/a.js')).toBe(true);
    expect(globToRegExp('test/**/*.js').test('test/x/y/a.js')).toBe(true);
    expect(globToRegExp('test/*.js').test('test/x/a.js')).toBe(false);
    expect(globToRegExp('test/*.{js,mjs}').test('test/a.mjs')).toBe(true);
    expect(globToRegExp('test/?.js').test('test/ab.js')).toBe(false);
  });
});
