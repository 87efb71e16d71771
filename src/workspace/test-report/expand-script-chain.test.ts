import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planTestChain } from './expand-script-chain.ts';
import { createSampleProject, runShellCommand, type SampleProject } from './sample-projects.ts';

const SCRIPTS: Record<string, string> = {
  pretest: 'echo pre-$npm_lifecycle_event',
  test: 'echo main-$npm_lifecycle_event "$@"',
  posttest: 'echo post',
  'lint:a': 'echo lint-a',
  'lint:b': 'echo lint-b && exit 3',
  'lint:c': 'echo lint-c',
  'lint-all': 'run-p lint:*',
  'lint-sequence': 'run-s lint:*',
  'check:zone': 'TZ=Asia/Tokyo npm run zone',
  zone: 'echo zone-$TZ',
};

let project: SampleProject;
beforeAll(async () => {
  project = await createSampleProject({ 'package.json': JSON.stringify({ name: 'sample', scripts: SCRIPTS }) });
});
afterAll(() => project.remove());

async function runPlanned(command: string): Promise<{ exitCode: number | null; output: string }> {
  const plan = planTestChain(command, { scripts: SCRIPTS, name: 'sample' }, '/tmp');
  return runShellCommand(plan.command, { cwd: project.root });
}

describe('planTestChain runs scripts as npm does', () => {
  it('runs pre and post hooks around the script, passing arguments to the script only', async () => {
    const result = await runPlanned('npm test -- --grep x');
    expect(result.output.trim().split('\n')).toEqual(['pre-pretest', 'main-test --grep x', 'post']);
  });

  it('keeps the exit code of a failing script and stops there', async () => {
    const result = await runPlanned('npm run lint-sequence');
    expect(result.exitCode).toBe(3);
    expect(result.output).not.toContain('lint-c');
  });

  it('runs every script of run-p, one after another, and fails when one failed', async () => {
    const result = await runPlanned('npm run lint-all');
    expect(result.exitCode).toBe(1);
    expect(result.output.trim().split('\n')).toEqual(['lint-a', 'lint-b', 'lint-c']);
  });

  it('keeps environment prefixes on npm run', async () => {
    const result = await runPlanned('npm run check:zone');
    expect(result.output.trim()).toBe('zone-Asia/Tokyo');
  });

  it('does not follow a script into itself', () => {
    const plan = planTestChain('npm run loop', { scripts: { loop: 'npm run loop' } }, '/tmp');
    expect(plan.steps).toMatchObject([{ runner: 'unknown', fallbackReason: 'script loop calls itself' }]);
  });

  it('leaves a command without scripts or runners unchanged', () => {
    expect(planTestChain('make test', { scripts: SCRIPTS }, '/tmp')).toEqual({ command: 'make test', steps: [] });
  });

  it('does not run pre/post hooks for pnpm, which no longer runs them', () => {
    const plan = planTestChain('pnpm test', { scripts: SCRIPTS }, '/tmp');
    expect(plan.command).not.toContain('pre-');
    expect(plan.command).toContain('npm_lifecycle_event=test');
  });

  it('gives each runner of a chain its own report file', () => {
    const plan = planTestChain('npm test', { scripts: { test: 'jest a && mocha b; vitest run' } }, '/reports');
    expect(plan.steps.map((step) => [step.runner, step.reportFile])).toEqual([
      ['jest', '/reports/step-1.out'],
      ['mocha', '/reports/step-2.out'],
      ['vitest', '/reports/step-3.out'],
    ]);
  });
});

describe('node:test steps', () => {
  it("add Mender's reporter to the NODE_OPTIONS the step inherits", async () => {
    const nodeProject = await createSampleProject({
      'options.test.mjs': "console.log('OPTIONS=' + process.env.NODE_OPTIONS);\n",
    });
    try {
      const plan = planTestChain('npm run unit', { scripts: { unit: 'node --test options.test.mjs' } }, nodeProject.root);
      const result = await runShellCommand(`export NODE_OPTIONS=--max-old-space-size=512; ${plan.command}`, { cwd: nodeProject.root });
      expect(result.output).toMatch(/OPTIONS=--max-old-space-size=512 --test-reporter=/);
    } finally {
      await nodeProject.remove();
    }
  });
});
