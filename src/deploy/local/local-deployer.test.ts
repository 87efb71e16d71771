import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentRecord } from '../deployment.ts';
import { commitThreeReleases } from '../testing/three-commit-repository.ts';
import { LocalDeployer, type LocalTargetOptions } from './local-deployer.ts';
import { isAlive } from './process-identity.ts';
import { appServer } from './testing/app-repository.ts';

describe('the local target under traffic', () => {
  let root: string;
  let deployer: LocalDeployer;
  let options: LocalTargetOptions;
  let commits: { first: string; second: string };

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-local-traffic-'));
    const checkout = path.join(root, 'app');
    fs.mkdirSync(checkout);
    commits = commitThreeReleases(checkout, { 'server.cjs': appServer }, { BROKEN: 'x' });
    options = {
      root: path.join(root, 'deploy'),
      repoPath: checkout,
      startCommand: 'node server.cjs',
      healthPath: '/health',
      startTimeoutMs: 15_000,
      environments: { staging: { publicPort: 0 } },
    };
    deployer = new LocalDeployer(options);
  });

  afterAll(async () => {
    await deployer.stopEnvironment('staging');
    fs.rmSync(root, { recursive: true, force: true });
  });

  const deployment = (commit: string, previous?: string): DeploymentRecord => ({
    id: `deployment-${commit.slice(0, 6)}`,
    release: { repoId: 'repo-app', environment: 'staging', commit },
    ...(previous && { previous: { repoId: 'repo-app', environment: 'staging', commit: previous } }),
    target: 'local',
    status: 'starting',
    trafficPercent: 0,
    startedAt: new Date(),
  });

  async function releaseAnswering(port: number, route = '/'): Promise<string> {
    const answer = await fetch(`http://127.0.0.1:${port}${route}`);
    if (answer.status !== 200) throw new Error(`the app answered ${answer.status}`);
    return ((await answer.json()) as { release: string }).release;
  }

  it('splits traffic by the percent given and rolls back under load without a failed request', async () => {
    expect((await deployer.deploy(deployment(commits.first), new AbortController().signal)).ok).toBe(true);
    const port = await deployer.publicPort('staging');
    const canary = deployment(commits.second, commits.first);
    expect((await deployer.deploy(canary, new AbortController().signal)).ok).toBe(true);
    // Started beside the stable release, the new one takes no traffic until told.
    expect(await releaseAnswering(port)).toBe(commits.first);

    expect(await deployer.shiftTraffic(canary, 50)).toEqual({ ok: true, value: undefined });
    const seen: string[] = [];
    for (let request = 0; request < 40; request++) seen.push(await releaseAnswering(port));
    expect(seen.filter((release) => release === commits.second)).toHaveLength(20);

    // Slow requests keep flowing, four at a time, while the rollback happens: none of them may
    // fail, not even those the new release was still answering when it was told to stop.
    let flowing = true;
    const loop = async () => {
      const answers: string[] = [];
      while (flowing) answers.push(await releaseAnswering(port, '/slow'));
      return answers;
    };
    const during = Promise.all([loop(), loop(), loop(), loop()]).then((loops) => loops.flat());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await deployer.rollBack(canary, 'the judge saw 30 % errors')).toEqual({ ok: true, value: undefined });
    const after: string[] = [];
    for (let request = 0; request < 20; request++) after.push(await releaseAnswering(port));
    flowing = false;
    const answered = await during;
    expect(answered.length).toBeGreaterThan(0);
    expect(answered).toContain(commits.second);
    expect(new Set(after)).toEqual(new Set([commits.first]));
    expect(await deployer.current('repo-app', 'staging')).toMatchObject({ commit: commits.first });
    expect(await deployer.health(canary.release)).toMatchObject({ healthy: false });
  });

  it('refuses a percent outside 0–100 and a release that is not running, changing nothing', async () => {
    const port = await deployer.publicPort('staging');
    expect(await deployer.shiftTraffic(deployment(commits.second, commits.first), 50)).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('deploy it first') },
    });
    expect(await deployer.shiftTraffic(deployment(commits.first), 101)).toMatchObject({ ok: false, error: { message: expect.stringContaining('0 to 100') } });
    expect(await deployer.deploy(deployment(commits.first), new AbortController().signal)).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('already runs') },
    });
    expect(
      await deployer.deploy(
        { ...deployment(commits.first), release: { repoId: 'repo-app', environment: 'qa', commit: commits.first } },
        new AbortController().signal,
      ),
    ).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('environment "qa" has no local target settings') },
    });
    expect(await releaseAnswering(port)).toBe(commits.first);
  });

  it('takes the environment down: its proxy and releases stop', async () => {
    const stateFile = path.join(root, 'deploy', 'releases', 'state');
    const pids = fs.readdirSync(stateFile).map((file) => (JSON.parse(fs.readFileSync(path.join(stateFile, file), 'utf8')) as { pid: number }).pid);
    expect(pids).toHaveLength(1);
    const proxyState = path.join(root, 'deploy', 'proxy-staging', 'state.json');
    const proxyPid = () => (fs.existsSync(proxyState) ? (JSON.parse(fs.readFileSync(proxyState, 'utf8')) as { pid: number }).pid : undefined);
    const proxy = proxyPid()!;
    expect(isAlive(proxy)).toBe(true);
    await deployer.stopEnvironment('staging');
    expect([...pids, proxy].filter(isAlive)).toEqual([]);
    expect(fs.readdirSync(stateFile)).toEqual([]);
    // Stopping it again, from a new instance, starts no proxy just to stop it: every start logs a line.
    const starts = () => fs.readFileSync(path.join(root, 'deploy', 'proxy-staging', 'proxy.log'), 'utf8').split('proxy listening on').length - 1;
    expect(starts()).toBe(1);
    await new LocalDeployer(options).stopEnvironment('staging');
    expect(starts()).toBe(1);
  });
});
