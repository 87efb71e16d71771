// uvu 0.5's console output, produced by the real uvu (devDependency) on small projects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planTestChain } from './expand-script-chain.ts';
import { parseUvuOutput, UNNAMED_UVU_FAILURE } from './parse-uvu-output.ts';
import { cleanEnvironment, createSampleProject, runShellCommand, type ProcessOutcome, type SampleProject } from './sample-projects.ts';

const FILES: Record<string, string> = {
  'package.json': JSON.stringify({ type: 'module', devDependencies: { uvu: '^0.5.6' } }),
  'tests/math.js': [
    "import { suite } from 'uvu';",
    "import * as assert from 'uvu/assert';",
    "const math = suite('math and more');",
    "math('adds', () => { assert.is(1 + 1, 2); });",
    'math(\'divides "exactly"\', () => { assert.is(1 / 1, 2); });',
    'math.run();',
    '',
  ].join('\n'),
  // A before hook that throws: uvu counts its tests as not passed but prints no FAIL block.
  'tests/hooks.js': [
    "import { suite } from 'uvu';",
    "const hooks = suite('hooks');",
    "hooks.before(() => { throw new Error('setup broke'); });",
    "hooks('never runs', () => {});",
    'hooks.run();',
    '',
  ].join('\n'),
  'broken/load.js': "import { missing } from './none.js';\nmissing();\n",
};

let project: SampleProject;
let coloured: ProcessOutcome;
let plain: ProcessOutcome;
let broken: ProcessOutcome;
beforeAll(async () => {
  project = await createSampleProject(FILES, { linkNodeModules: true });
  const bin = 'PATH="$PWD/node_modules/.bin:$PATH"; ';
  coloured = await runShellCommand(`${bin}uvu tests`, { cwd: project.root, env: cleanEnvironment({ FORCE_COLOR: '1' }) });
  plain = await runShellCommand(`${bin}uvu tests`, { cwd: project.root, env: cleanEnvironment({ NO_COLOR: '1' }) });
  broken = await runShellCommand(`${bin}uvu broken`, { cwd: project.root });
});
afterAll(() => project.remove());

describe('parseUvuOutput on real uvu 0.5 output', () => {
  it('reads the summary and names failures suite > test, with file, line and the assertion', () => {
    for (const outcome of [coloured, plain]) {
      expect(outcome.exitCode).toBe(1);
      const parsed = parseUvuOutput(outcome.stdout, project.root);
      if (!parsed.ok) throw new Error(parsed.error);
      expect(parsed.report).toMatchObject({ runner: 'uvu', structured: true, passed: 1, failed: 2, skipped: 0 });
      expect(parsed.report.failures[0]).toMatchObject({ id: 'tests/math.js::math and more > divides "exactly"', line: 5 });
      expect(parsed.report.failures[0]?.message).toContain('Expected values to be strictly equal');
      expect(parsed.report.failures[0]?.message).not.toContain('node_modules');
    }
  });

  it("keeps a failure uvu counted without a FAIL block (a throwing before hook), so totals stay uvu's", () => {
    const parsed = parseUvuOutput(plain.stdout, project.root);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(plain.stdout).toMatch(/Total:\s+3\s+Passed:\s+1/);
    expect(parsed.report.failures.map((failure) => failure.name)).toEqual(['math and more > divides "exactly"', `${UNNAMED_UVU_FAILURE} 1`]);
  });

  it('a file that cannot load stops uvu before its summary: refused, so the step falls back to its exit code', () => {
    expect(broken.exitCode).not.toBe(0);
    expect(parseUvuOutput(broken.stdout, project.root)).toEqual({
      ok: false,
      error: 'uvu output: no "Total:" and "Passed:" summary lines (uvu stopped before its summary)',
    });
  });
});

describe('which steps are uvu', () => {
  const runners = (command: string, dependencies: string[]): string[] =>
    planTestChain(command, { scripts: {}, dependencies }, '/tmp').steps.map((step) => step.runner);

  it('the uvu CLI always; `node` on a test file only when uvu is a dependency', () => {
    expect(runners('uvu -r tsm tests', [])).toEqual(['uvu']);
    expect(runners('node tests/math.js && c8 node test/index.js', ['uvu'])).toEqual(['uvu', 'uvu']);
    expect(runners('node tests/math.js', [])).toEqual([]);
  });

  it('a node script outside the tests (a build) is not a test step', () => {
    expect(runners('node scripts/build.js && tsm src/cli.ts', ['uvu'])).toEqual([]);
  });
});
