import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCheckRunner } from '../../src/workspace/check-runner.ts';
import { WorktreeManager } from '../../src/workspace/worktree-manager.ts';
import { chainedNodeTestProject, plainWorktree, runLikeMaintainer, vitestProject, type SuiteProject } from '../support/suite-projects.ts';

// Runners from the `runners` branch (tap, ava, jest, mocha) get their projects here once they are
// in Mender's devDependencies: each is one more entry in `projects`.
const projects: (() => SuiteProject)[] = [chainedNodeTestProject, vitestProject];

const dataDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'suite-compatibility-')));
const created: SuiteProject[] = [];
afterAll(() => {
  for (const project of created) project.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('a repository suite runs in Mender as it runs for its maintainers', () => {
  it.each(projects.map((make) => [make.name, make] as const))(
    '%s: same exit code and tests in the checkout, a plain worktree and the sandbox',
    { timeout: 120_000 },
    async (_name, make) => {
      const project = make();
      created.push(project);
      const worktrees = new WorktreeManager(path.join(dataDir, 'worktrees'));
      const root = await worktrees.create({
        repoPath: project.checkout,
        operationId: `op-${created.length}`,
        branch: `mender/${created.length}`,
        startPoint: 'main',
        resetBranch: true,
      });
      const checks = createCheckRunner({
        timeoutMs: 60_000,
        outputLimitBytes: 200_000,
        scratchDir: path.join(dataDir, 'scratch'),
        sandbox: { mode: 'bubblewrap' },
        hiddenPaths: [dataDir],
      });
      const inMender = await checks.runTests(root, { test: 'npm test' }, new AbortController().signal);
      // Mender's run kept its caches in places of its own, not in the shared checkout's node_modules.
      expect(fs.readdirSync(path.join(project.checkout, 'node_modules')).filter((entry) => entry === '.cache' || entry === '.vite')).toEqual([]);

      const inCheckout = runLikeMaintainer(project, project.checkout);
      const inPlainWorktree = runLikeMaintainer(project, plainWorktree(project));
      expect(inCheckout.testNames.length, inCheckout.output).toBeGreaterThan(0);

      expect(inPlainWorktree.exitCode).toBe(inCheckout.exitCode);
      expect(inPlainWorktree.testNames).toEqual(inCheckout.testNames);
      expect(inMender?.exitCode, inMender?.output).toBe(inCheckout.exitCode);
      expect(inMender!.report.tests.map((test) => test.name).sort()).toEqual(inCheckout.testNames);
    },
  );
});
