import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployer } from '../deployer.ts';
import type { DeploymentRecord, Release } from '../deployment.ts';

/** A target set up for the conformance suite, on a repository with three commits. */
export interface DeployerUnderTest {
  deployer: Deployer;
  /** A new instance over the same state, as after a restart of Mender. */
  restart(): Deployer;
  repoId: string;
  environment: string;
  /** Two releases that start and answer; one whose start fails. */
  commits: { first: string; second: string; broken: string };
  /** The commit answering the environment's requests now, as a user of the app sees it. */
  serving(): Promise<string | undefined>;
  cleanup(): Promise<void>;
}

let sequence = 0;

function deploymentOf(target: DeployerUnderTest, commit: string, previous?: string): DeploymentRecord {
  sequence += 1;
  const release = (at: string): Release => ({ repoId: target.repoId, environment: target.environment, commit: at });
  return {
    id: `conformance-${sequence}`,
    release: release(commit),
    ...(previous && { previous: release(previous) }),
    target: target.deployer.id,
    status: 'starting',
    trafficPercent: 0,
    startedAt: new Date(),
  };
}

async function ok(result: Promise<{ ok: boolean; error?: { message: string } }>): Promise<void> {
  const settled = await result;
  if (!settled.ok) throw new Error(`the target failed: ${settled.error?.message}`);
}

/**
 * What every deploy target must do (docs/contributing/add-a-deploy-target.md): one suite, run
 * against each target, in order — each case starts from the state the previous one left.
 */
export function defineDeployerConformance(name: string, setUp: () => Promise<DeployerUnderTest>): void {
  describe(`the ${name} target meets the deploy target contract`, () => {
    let target: DeployerUnderTest;
    const signal = new AbortController().signal;

    beforeAll(async () => {
      target = await setUp();
    });

    afterAll(async () => {
      await target?.cleanup();
    });

    it("deploys an environment's first release and promotes it; current names it", async () => {
      const first = deploymentOf(target, target.commits.first);
      await ok(target.deployer.deploy(first, signal));
      if (target.deployer.canSplitTraffic) await ok(target.deployer.shiftTraffic(first, 100));
      await ok(target.deployer.promote(first));
      expect(await target.serving()).toBe(target.commits.first);
      expect(await target.deployer.current(target.repoId, target.environment)).toMatchObject({ commit: target.commits.first });
      expect(await target.deployer.health({ repoId: target.repoId, environment: target.environment, commit: target.commits.first })).toMatchObject({
        healthy: true,
      });
    });

    it('fails a release whose start fails, with its output tail, leaving the stable release serving', async () => {
      const broken = deploymentOf(target, target.commits.broken, target.commits.first);
      const result = await target.deployer.deploy(broken, signal);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.outputTail ?? '').not.toBe('');
      expect(await target.serving()).toBe(target.commits.first);
    });

    it('rolls a new release back: the stable release serves again and current names it', async () => {
      const second = deploymentOf(target, target.commits.second, target.commits.first);
      await ok(target.deployer.deploy(second, signal));
      if (target.deployer.canSplitTraffic) await ok(target.deployer.shiftTraffic(second, 50));
      await ok(target.deployer.rollBack(second, 'conformance: the judge said so'));
      expect(await target.serving()).toBe(target.commits.first);
      expect(await target.deployer.current(target.repoId, target.environment)).toMatchObject({ commit: target.commits.first });
    });

    it('after a restart, current names the serving release and a promotion still works', async () => {
      const restarted = target.restart();
      expect(await restarted.current(target.repoId, target.environment)).toMatchObject({ commit: target.commits.first });
      const second = deploymentOf(target, target.commits.second, target.commits.first);
      await ok(restarted.deploy(second, signal));
      if (restarted.canSplitTraffic) await ok(restarted.shiftTraffic(second, 100));
      await ok(restarted.promote(second));
      expect(await target.serving()).toBe(target.commits.second);
      expect(await restarted.current(target.repoId, target.environment)).toMatchObject({ commit: target.commits.second });
    });
  });
}
