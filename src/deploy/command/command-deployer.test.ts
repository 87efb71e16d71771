import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentRecord } from '../deployment.ts';
import { CommandDeployer } from './command-deployer.ts';
import { parseCommandTargetSettings } from './command-target-settings.ts';

// A platform made of files: `deploy` makes a commit live in an environment, `status` reports it,
// `rollback` puts the previous one back. Every script appends the variables it saw to calls.log.
const platformScripts = {
  deploy: 'echo "$MENDER_COMMIT" > "live-$MENDER_ENVIRONMENT" && env | sort > "env-deploy" && echo "deployed $MENDER_COMMIT"',
  status:
    'test -f "live-$MENDER_ENVIRONMENT" || { echo "nothing live in $MENDER_ENVIRONMENT"; exit 4; }; ' +
    'echo "checking"; printf \'{"commit":"%s","healthy":%s}\\n\' "$(cat "live-$MENDER_ENVIRONMENT")" "$(cat healthy 2>/dev/null || echo true)"',
  rollback: 'echo "$MENDER_PREVIOUS_COMMIT" > "live-$MENDER_ENVIRONMENT" && echo "$MENDER_ROLLBACK_REASON" > rollback-reason',
};

const stable = 'a'.repeat(40);
const candidate = 'b'.repeat(40);

function deployment(overrides: Partial<DeploymentRecord> = {}): DeploymentRecord {
  return {
    id: 'deployment-1',
    release: { repoId: 'repo-1', environment: 'staging', commit: candidate },
    previous: { repoId: 'repo-1', environment: 'staging', commit: stable },
    target: 'command',
    status: 'starting',
    trafficPercent: 0,
    startedAt: new Date(),
    ...overrides,
  };
}

describe('the command target', () => {
  let folder: string;
  const secretBefore = process.env.MENDER_TEST_SERVER_SECRET;

  beforeAll(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-command-target-'));
    process.env.MENDER_TEST_SERVER_SECRET = 'never-for-scripts';
  });

  afterAll(() => {
    fs.rmSync(folder, { recursive: true, force: true });
    if (secretBefore === undefined) delete process.env.MENDER_TEST_SERVER_SECRET;
    else process.env.MENDER_TEST_SERVER_SECRET = secretBefore;
  });

  const target = (extra: Record<string, unknown> = {}) =>
    new CommandDeployer({
      settings: parseCommandTargetSettings({ ...platformScripts, env: { PLATFORM_TOKEN: 'tok-1' }, ...extra }),
      repoName: 'shop',
      checkout: folder,
    });

  it('deploys with the release in MENDER_* and SENTRY_* variables, the configured env, and nothing of the server', async () => {
    const result = await target().deploy(deployment(), new AbortController().signal);
    expect(result).toEqual({ ok: true, value: undefined });
    const seen = Object.fromEntries(
      fs
        .readFileSync(path.join(folder, 'env-deploy'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(seen).toMatchObject({
      MENDER_REPO: 'shop',
      MENDER_ENVIRONMENT: 'staging',
      MENDER_COMMIT: candidate,
      MENDER_PREVIOUS_COMMIT: stable,
      MENDER_DEPLOYMENT_ID: 'deployment-1',
      SENTRY_RELEASE: candidate,
      SENTRY_ENVIRONMENT: 'staging',
      PLATFORM_TOKEN: 'tok-1',
      NODE_ENV: 'production',
    });
    expect(seen.MENDER_TEST_SERVER_SECRET).toBeUndefined();
  });

  it('reads the serving release and its health from the status script', async () => {
    const subject = target();
    await subject.deploy(deployment(), new AbortController().signal);
    expect(await subject.current('repo-1', 'staging')).toEqual({ repoId: 'repo-1', environment: 'staging', commit: candidate });
    expect(await subject.current('repo-1', 'production')).toBeUndefined();
    expect(await subject.health(deployment().release)).toMatchObject({ healthy: true });
    fs.writeFileSync(path.join(folder, 'healthy'), 'false');
    try {
      expect(await subject.health(deployment().release)).toMatchObject({ healthy: false });
    } finally {
      fs.rmSync(path.join(folder, 'healthy'));
    }
    const missing = await subject.health({ repoId: 'repo-1', environment: 'production', commit: candidate });
    expect(missing).toMatchObject({ healthy: false, detail: expect.stringContaining('nothing live in production') });
  });

  it('rolls back to the previous release, passing the reason, and refuses when there is none', async () => {
    const subject = target();
    await subject.deploy(deployment(), new AbortController().signal);
    expect(await subject.rollBack(deployment(), 'error rate +40 %')).toEqual({ ok: true, value: undefined });
    expect(fs.readFileSync(path.join(folder, 'live-staging'), 'utf8').trim()).toBe(stable);
    expect(fs.readFileSync(path.join(folder, 'rollback-reason'), 'utf8').trim()).toBe('error rate +40 %');
    const first = await subject.rollBack(deployment({ previous: undefined }), 'no way back');
    expect(first).toMatchObject({ ok: false, error: { code: 'command_failed', message: expect.stringContaining('no previous release') } });
    expect(fs.readFileSync(path.join(folder, 'live-staging'), 'utf8').trim()).toBe(stable);
  });

  it.each([
    [
      'a non-zero exit',
      { deploy: 'echo "building"; echo "npm ERR! missing script: build" >&2; exit 3' },
      'start_failed',
      'exited with code 3',
      'missing script: build',
    ],
    [
      'a JSON failure with exit 0',
      { deploy: `echo '{"ok":false,"message":"quota exceeded"}'` },
      'start_failed',
      'reported a failure: quota exceeded',
      'quota exceeded',
    ],
    ['a script that outlives its timeout', { deploy: 'echo started; sleep 30', timeoutSeconds: 1 }, 'timed_out', 'did not finish within 1 s', 'started'],
  ])('fails a deploy on %s, with the output tail', async (_, scripts, code, message, outputTail) => {
    const result = await target(scripts).deploy(deployment(), new AbortController().signal);
    expect(result).toMatchObject({ ok: false, error: { code, message: expect.stringContaining(message), outputTail: expect.stringContaining(outputTail) } });
  });

  it('stops a deploy whose deployment is cancelled', async () => {
    const controller = new AbortController();
    const running = target({ deploy: 'echo started; sleep 30' }).deploy(deployment(), controller.signal);
    setTimeout(() => controller.abort(), 200);
    expect(await running).toMatchObject({ ok: false, error: { message: expect.stringContaining('was cancelled') } });
  });

  it('shifts traffic only with a shift script, and only by a whole percent', async () => {
    expect(target().canSplitTraffic).toBe(false);
    expect(await target().shiftTraffic(deployment(), 10)).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    const splitting = target({ shift: 'echo "$MENDER_TRAFFIC_PERCENT" > traffic' });
    expect(splitting.canSplitTraffic).toBe(true);
    expect(await splitting.shiftTraffic(deployment(), 50)).toEqual({ ok: true, value: undefined });
    expect(fs.readFileSync(path.join(folder, 'traffic'), 'utf8').trim()).toBe('50');
    expect(await splitting.shiftTraffic(deployment(), 150)).toMatchObject({ ok: false, error: { message: expect.stringContaining('0 to 100') } });
    expect(fs.readFileSync(path.join(folder, 'traffic'), 'utf8').trim()).toBe('50');
  });

  it.each([
    ['settings without a deploy script', { status: 'true', rollback: 'true' }, 'deploy: '],
    ['a blank script', { ...platformScripts, deploy: '   ' }, 'deploy: give a shell command'],
    ['an unknown script', { ...platformScripts, restart: 'x' }, 'restart'],
    ['a variable name a shell cannot hold', { ...platformScripts, env: { 'BAD-NAME': 'x' } }, 'env.BAD-NAME: variable names are letters, digits and _'],
    ['a zero timeout', { ...platformScripts, timeoutSeconds: 0 }, 'timeoutSeconds'],
  ])('refuses %s, naming the field', (_, settings, problem) => {
    expect(() => parseCommandTargetSettings(settings)).toThrow(problem);
  });
});
