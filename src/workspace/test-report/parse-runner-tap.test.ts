// tap 16's own TAP (`--reporter=tap`), produced by the real tap 16 installed as `tap16`.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunnerTap } from './parse-runner-tap.ts';
import { createSampleProject, REPOSITORY_NODE_MODULES, runShellCommand, type ProcessOutcome, type SampleProject } from './sample-projects.ts';

const TAP16_RUN = path.join(REPOSITORY_NODE_MODULES, 'tap16', 'bin', 'run.js');

let project: SampleProject;
let outcome: ProcessOutcome;
beforeAll(async () => {
  project = await createSampleProject(
    {
      'package.json': JSON.stringify({ type: 'module' }),
      'test/math.test.js': [
        "import t from 'tap16';",
        "t.test('math', async (t) => {",
        "  t.test('adds', async (t) => { t.equal(1 + 1, 2); });",
        "  t.test('divides', async (t) => { t.equal(1 / 1, 2, 'one over one is two'); });",
        '});',
        '',
      ].join('\n'),
    },
    { linkNodeModules: true },
  );
  outcome = await runShellCommand(`node ${TAP16_RUN} --reporter=tap --no-coverage test/math.test.js`, { cwd: project.root });
});
afterAll(() => project.remove());

describe('parseRunnerTap on tap 16', () => {
  it('names the failing subtest with its parents, its file, line and message', () => {
    expect(outcome.exitCode).toBe(1);
    const parsed = parseRunnerTap('tap', outcome.stdout, project.root);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.report).toMatchObject({ runner: 'tap', passed: 1, failed: 1 });
    expect(parsed.report.failures[0]).toMatchObject({
      file: 'test/math.test.js',
      name: 'math > divides > one over one is two',
      line: 4,
    });
  });

  it('refuses text that is not TAP, saying so', () => {
    expect(parseRunnerTap('tape', 'Segmentation fault', '/')).toEqual({ ok: false, error: 'tape TAP report: no TAP version line and no test points found' });
  });
});
