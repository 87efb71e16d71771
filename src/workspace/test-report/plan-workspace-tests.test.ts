import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planTestChain } from './expand-script-chain.ts';
import { readPackageManifest } from './package-manifest.ts';
import { workspaceFollower } from './plan-workspace-tests.ts';
import { createSampleProject, runShellCommand, type SampleProject } from './sample-projects.ts';

// Scripts that only echo: what runs, where, in which order, with which arguments and hooks.
const echoPackage = (name: string, dependencies: Record<string, string> = {}): string =>
  JSON.stringify({ name, dependencies, scripts: { pretest: `echo pre-${name}`, test: `echo test-${name} "$(basename "$PWD")" "$npm_package_name"` } });

let project: SampleProject;
beforeAll(async () => {
  project = await createSampleProject({
    'package.json': JSON.stringify({
      name: 'root',
      scripts: { test: 'pnpm -r test', 'test:one': 'pnpm --filter ./packages/ui test -- --grep x', 'test:yarn': 'yarn workspaces run test' },
    }),
    'pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
    'packages/web/package.json': echoPackage('web', { ui: 'workspace:*' }),
    'packages/ui/package.json': echoPackage('ui'),
    'packages/docs/package.json': JSON.stringify({ name: 'docs' }),
  });
});
afterAll(() => project.remove());

async function run(command: string, changedPaths?: string[]): Promise<{ lines: string[]; exitCode: number | null; scripts: string[][] }> {
  const plan = planTestChain(command, readPackageManifest(project.root), `${project.root}/.reports`, {
    followWorkspaces: workspaceFollower(project.root, changedPaths),
  });
  const result = await runShellCommand(plan.command, { cwd: project.root });
  return { lines: result.output.trim().split('\n'), exitCode: result.exitCode, scripts: plan.steps.map((step) => step.scripts) };
}

describe('workspace commands planned into each package', () => {
  it('pnpm -r runs each package in its folder, dependencies first, without hooks (pnpm runs none)', async () => {
    const result = await run('pnpm test');
    expect(result.lines).toEqual(['test-ui ui ui', 'test-web web web']);
    expect(result.exitCode).toBe(0);
    expect(result.scripts).toEqual([['test', 'docs']]);
  });

  it('a filter selects the package and arguments reach its script', async () => {
    const result = await run('pnpm run test:one');
    expect(result.lines).toEqual(['test-ui ui ui --grep x']);
  });

  it('yarn 1 runs the pre hooks as it does for every script', async () => {
    const result = await run('yarn run test:yarn');
    expect(result.lines).toEqual(['pre-ui', 'test-ui ui ui', 'pre-web', 'test-web web web']);
  });

  it('changed paths narrow the run to the affected packages', async () => {
    expect((await run('pnpm test', ['packages/web/index.js'])).lines).toEqual(['test-web web web']);
    expect((await run('pnpm test', ['packages/ui/index.js'])).lines).toEqual(['test-ui ui ui', 'test-web web web']);
  });

  it('keeps running the other packages after one fails, and fails', async () => {
    const failing = await createSampleProject({
      'package.json': JSON.stringify({ name: 'root', workspaces: ['packages/*'] }),
      'packages/a/package.json': JSON.stringify({ name: 'a', scripts: { test: 'echo a && exit 4' } }),
      'packages/b/package.json': JSON.stringify({ name: 'b', scripts: { test: 'echo b' } }),
    });
    try {
      const plan = planTestChain('npm test --workspaces', readPackageManifest(failing.root), `${failing.root}/.reports`, {
        followWorkspaces: workspaceFollower(failing.root),
      });
      const result = await runShellCommand(plan.command, { cwd: failing.root });
      expect(result.output.trim().split('\n')).toEqual(['a', 'b']);
      expect(result.exitCode).toBe(1);
    } finally {
      await failing.remove();
    }
  });
});
