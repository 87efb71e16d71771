// The real jasmine 5 (devDependency) run with Mender's reporter, then read back.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJasmineJson, RUN_FAILED } from './parse-jasmine-json.ts';
import { createSampleProject, runShellCommand, type ProcessOutcome, type SampleProject } from './sample-projects.ts';
import { planTestChain } from './expand-script-chain.ts';

const CONFIG = (extra: Record<string, unknown> = {}): string => JSON.stringify({ spec_dir: 'spec', spec_files: ['**/*.spec.js'], random: false, ...extra });

interface JasmineRun {
  project: SampleProject;
  outcome: ProcessOutcome;
  reportFile: string;
}

async function runJasmine(files: Record<string, string>, command = 'jasmine'): Promise<JasmineRun> {
  const project = await createSampleProject(files, { linkNodeModules: true });
  // Planned as the check runner plans it: only the jasmine part of the command is changed.
  const plan = planTestChain(command, { scripts: {} }, path.join(project.root, '.report'));
  const reportFile = plan.steps[0]?.reportFile ?? '';
  await runShellCommand('mkdir -p .report', { cwd: project.root });
  const outcome = await runShellCommand(`PATH="$PWD/node_modules/.bin:$PATH"; ${plan.command}`, { cwd: project.root });
  return { project, outcome, reportFile };
}

function read(run: JasmineRun): ReturnType<typeof parseJasmineJson> {
  if (!existsSync(run.reportFile)) throw new Error(`no report written:\n${run.outcome.output}`);
  return parseJasmineJson(readFileSync(run.reportFile, 'utf8'), run.project.root);
}

const runs: JasmineRun[] = [];
afterAll(() => Promise.all(runs.map((run) => run.project.remove())));

describe('parseJasmineJson on real jasmine runs', () => {
  let focused: JasmineRun;
  let brokenFile: JasmineRun;
  let requireLoader: JasmineRun;
  beforeAll(async () => {
    focused = await runJasmine({
      'package.json': JSON.stringify({ type: 'module' }),
      'spec/support/jasmine.json': CONFIG(),
      'spec/focus.spec.js': [
        "describe('focus', () => {",
        "  fit('runs alone', () => { expect([1]).toEqual([2]); });",
        "  it('is left out', () => {});",
        '});',
        "afterAll(() => { throw new Error('top-level cleanup broke'); });",
        '',
      ].join('\n'),
    });
    brokenFile = await runJasmine({
      'package.json': JSON.stringify({ type: 'module' }),
      'spec/support/jasmine.json': CONFIG(),
      'spec/broken.spec.js': "import { missing } from '../lib/none.js';\nit('never runs', () => missing());\n",
      'spec/fine.spec.js': "it('passes', () => { expect(true).toBe(true); });\n",
    });
    // jsLoader "require" loads every module with require(): Mender's CommonJS reporter still loads.
    requireLoader = await runJasmine(
      {
        'package.json': JSON.stringify({ type: 'commonjs' }),
        'spec/support/jasmine.json': CONFIG({ jsLoader: 'require' }),
        'spec/plain.spec.js': "it('passes', () => { expect(1).toBe(1); });\n",
      },
      'false || jasmine',
    );
    runs.push(focused, brokenFile, requireLoader);
  });

  it('counts as jasmine does: excluded specs not at all, a top-level afterAll error as a failure', () => {
    expect(focused.outcome.output).toContain('1 spec, 2 failures');
    const parsed = read(focused);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.report).toMatchObject({ runner: 'jasmine', passed: 0, failed: 2, skipped: 0 });
    expect(parsed.report.failures[0]).toMatchObject({ id: 'spec/focus.spec.js::focus > runs alone', line: 2 });
    expect(parsed.report.failures[0]?.message).toContain('Expected $[0] = 1 to equal 2.');
    expect(parsed.report.failures[0]?.message).not.toContain('<Jasmine>');
    expect(parsed.report.failures[1]).toMatchObject({ name: RUN_FAILED, file: '' });
    expect(parsed.report.failures[1]?.message).toContain('top-level cleanup broke');
  });

  it('a spec file that cannot load stops jasmine before it reports: no report, the step falls back to its exit code', () => {
    // jasmine 5 rethrows the import error and exits without running the other files.
    expect(brokenFile.outcome.exitCode).not.toBe(0);
    expect(brokenFile.outcome.output).toContain('ERR_MODULE_NOT_FOUND');
    expect(existsSync(brokenFile.reportFile)).toBe(false);
  });

  it('loads under jsLoader "require" and stays one command after ||', () => {
    expect(requireLoader.outcome.exitCode, requireLoader.outcome.output).toBe(0);
    const parsed = read(requireLoader);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.report).toMatchObject({ passed: 1, failed: 0 });
  });

  it('refuses a document that is not its report, saying so', () => {
    const parsed = parseJasmineJson('{"specs": []}', '/');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/^jasmine report: JSON does not have the expected shape/);
  });
});
