import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandTargetDeploySettings } from '../support/deploy-settings-fixture.ts';
import { eventually } from '../support/eventually.ts';
import { runMenderCli } from '../support/mender-cli.ts';
import { adminToken, startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';

// Each run of the real command starts a Node process: the cases keep to the calls that show a behaviour.
describe('mender deploy | deployments | deployment … | repo deploy', () => {
  let folder: string;
  let mender: MenderUnderTest;
  let shop: TargetRepository;
  let cliEnv: NodeJS.ProcessEnv;
  let settingsFile: string;
  let deploymentId: string;

  const cli = (...args: string[]) => runMenderCli(cliEnv, ...args);
  const deployOf = async () => (await mender.call('GET', '/api/repos')).json.repos.find((repo: { name: string }) => repo.name === 'shop').deploy;

  beforeAll(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-deploy-cli-'));
    mender = await startMenderUnderTest();
    shop = createTargetRepository();
    cliEnv = { PATH: process.env.PATH, HOME: process.env.HOME, MENDER_URL: mender.url, MENDER_ADMIN_TOKEN: adminToken, MENDER_DATA_DIR: mender.dataDir };
    expect((await mender.call('POST', '/api/repos', { name: 'shop', path: shop.path })).status).toBe(201);
    settingsFile = path.join(folder, 'deploy.json');
    fs.writeFileSync(settingsFile, JSON.stringify(commandTargetDeploySettings()));
  }, 120_000);
  afterAll(async () => {
    await mender?.close();
    shop?.cleanup();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('repo deploy merges a settings file and flags over the current settings, and refuses a bad value changing nothing', async () => {
    const set = await cli(
      'repo',
      'deploy',
      'shop',
      '--settings-file',
      settingsFile,
      '--environments',
      'staging:5,production:20',
      '--steps',
      '10,100',
      '--port',
      'production=8089',
    );
    expect(set.stderr).toBe('');
    expect(set.exitCode).toBe(0);
    expect(set.stdout).toBe(
      [
        'shop deploys with: start npm start, health /health, smoke -, every 3600 s, on merge no',
        '  staging: command, watch 5 min, steps 10/100 %, port any',
        '  production: command, watch 20 min, steps 10/100 %, port 8089',
        '',
      ].join('\n'),
    );
    // One flag changes one thing: the rest stays as it was.
    const health = await cli('repo', 'deploy', 'shop', '--health-path', '/up', '--smoke-command', 'true', '--json');
    expect(health.exitCode).toBe(0);
    expect(JSON.parse(health.stdout).deploy).toMatchObject({ healthPath: '/up', smokeCommand: 'true', intervalSeconds: 3600 });
    expect((await deployOf()).environments.map((environment: { watchMinutes: number }) => environment.watchMinutes)).toEqual([5, 20]);

    const before = await deployOf();
    const bad = await cli('repo', 'deploy', 'shop', '--health-path', 'up', '--interval-seconds', '-3');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('deploy.healthPath: a health path starts with /');
    expect(bad.stderr).toContain('deploy.intervalSeconds');
    const noEnvironment = await cli('repo', 'deploy', 'shop', '--port', 'qa=9000');
    expect(noEnvironment.exitCode).toBe(1);
    expect(noEnvironment.stderr).toContain('no environment "qa" (there are staging, production)');
    const unknown = await cli('repo', 'deploy', 'nope', '--off');
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('"nope"');
    expect(await deployOf()).toEqual(before);
  }, 240_000);

  it('deploy asks for a deployment, and refuses an unknown environment naming it', async () => {
    const refused = await cli('deploy', 'shop', '--env', 'qa');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('no environment "qa"');
    const asked = await cli('deploy', 'shop', '--env', 'staging');
    expect(asked.stderr).toBe('');
    const [first, second] = asked.stdout.split('\n');
    deploymentId = first!.split(' ')[0]!;
    expect(first).toBe(`${deploymentId} awaiting_approval: shop ${shop.head().slice(0, 12)} to staging`);
    expect(second).toBe(`follow it: mender deployment show ${deploymentId}`);
    const again = await cli('deploy', 'shop', '--env', 'staging', '--commit', 'main');
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain(`already awaiting_approval (${deploymentId}`);
  }, 240_000);

  it('deployments lists a table (or JSON); deployment show and the decisions act on one', async () => {
    const table = await cli('deployments', '--repo', 'shop', '--env', 'staging');
    const [header, row] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID +REPO +ENV +STATUS +TRAFFIC +COMMIT +CREATED +VERDICT$/);
    expect(row).toMatch(
      new RegExp(`^${deploymentId} +shop +staging +awaiting_approval +0% +${shop.head().slice(0, 12)} +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d +-$`),
    );

    const waiting = await cli('deployment', 'show', deploymentId);
    expect(waiting.stdout).toContain(`deployment ${deploymentId}: shop to staging, awaiting_approval, traffic 0 %`);
    expect(waiting.stdout).toContain('deploy gate: team-lead (rule autonomy-1-asks)');
    expect(waiting.stdout).toContain('you may: approve, cancel');

    expect((await cli('deployment', 'approve', deploymentId, '--comment', 'go')).stdout).toBe(
      `${deploymentId} starting: shop ${shop.head().slice(0, 12)} to staging\n`,
    );
    await eventually(
      async () => (await mender.call('GET', `/api/deployments/${deploymentId}`)).json.status,
      (status) => status === 'canary',
      'the canary',
    );
    expect((await cli('deployment', 'pause', deploymentId)).exitCode).toBe(0);
    const paused = await cli('deployment', 'show', deploymentId);
    expect(paused.stdout).toContain('canary (paused), traffic 100 %');
    expect(paused.stdout).toContain('intervals: none judged yet');
    expect(paused.stdout).toMatch(/deployment\.approved {2}by admin/);
    expect(paused.stdout).toContain('you may: promote, rollback, resume');
    expect((await cli('deployment', 'resume', deploymentId)).exitCode).toBe(0);

    const rolledBack = await cli('deployment', 'rollback', deploymentId, '--comment', 'not now');
    expect(rolledBack.stdout).toBe(`${deploymentId} rolled_back: shop ${shop.head().slice(0, 12)} to staging (rolled back by admin: not now)\n`);
    const again = await cli('deployment', 'promote', deploymentId);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('is rolled_back; promote needs it to be canary or inconclusive (HTTP 409)');
    const shown = JSON.parse((await cli('deployment', 'show', deploymentId, '--json')).stdout);
    expect(shown).toMatchObject({ status: 'rolled_back', reason: 'rolled back by admin: not now', actions: [] });
  }, 240_000);

  it('repo deploy --off removes the settings: the repository no longer deploys', async () => {
    const off = await cli('repo', 'deploy', 'shop', '--off');
    expect(off.stdout).toBe('shop does not deploy (no deploy settings)\n');
    expect(await deployOf()).toBeNull();
    const refused = await cli('deploy', 'shop', '--env', 'staging');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('repository shop has no deploy settings');
  }, 240_000);
});
