import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';

const run = promisify(execFile);
const menderBin = path.resolve(import.meta.dirname, '../../bin/mender.mjs');

describe('mender project and mender issues', () => {
  let mender: MenderUnderTest;
  let target: TargetRepository;
  const cli = async (...args: string[]) => {
    try {
      const result = await run(process.execPath, [menderBin, ...args], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, MENDER_URL: mender.url, MENDER_ADMIN_TOKEN: adminToken, MENDER_DATA_DIR: mender.dataDir },
        timeout: 60_000,
      });
      return { code: 0, stdout: result.stdout, stderr: result.stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  beforeAll(async () => {
    target = createTargetRepository();
    mender = await startMenderUnderTest();
    expect((await mender.call('POST', '/api/repos', { name: 'shop', path: target.path })).status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await mender?.close();
    target?.cleanup();
  });

  it('creates a project showing its DSN, lists issues, shows one and resolves it', async () => {
    const added = await cli('project', 'add', 'shop', '--repo', 'shop');
    expect(added.code).toBe(0);
    const dsn = /SENTRY_DSN=(\S+)/.exec(added.stdout)![1]!;
    expect(dsn).toMatch(new RegExp(`^http://[0-9a-f]{32}@127\\.0\\.0\\.1:${mender.port}/1$`));
    expect((await cli('project', 'list')).stdout).toContain(dsn);
    const unknownRepo = await cli('project', 'add', 'other', '--repo', 'nope');
    expect(unknownRepo.code).not.toBe(0);

    const url = new URL(dsn);
    const event = {
      level: 'error',
      exception: {
        values: [
          { type: 'TypeError', value: 'total is broken', stacktrace: { frames: [{ filename: '/srv/cart.js', function: 'total', lineno: 4, in_app: true }] } },
        ],
      },
    };
    const response = await fetch(`${mender.url}/api/1/store/?sentry_key=${url.username}`, { method: 'POST', body: JSON.stringify(event) });
    expect(response.status).toBe(200);
    let listed: { issues: { id: string; title: string }[] } = { issues: [] };
    for (let tries = 0; tries < 100 && listed.issues.length === 0; tries += 1) {
      listed = JSON.parse((await cli('issues', '--json')).stdout);
      if (!listed.issues.length) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const issue = listed.issues[0]!;
    expect(issue.title).toBe('TypeError: total is broken');
    expect((await cli('issues')).stdout).toMatch(new RegExp(`${issue.id}\\s+P3\\s+detected`));
    const shown = await cli('issues', 'show', issue.id);
    expect(shown.stdout).toContain('grouping mender:');
    expect(shown.stdout).toContain('at total (/srv/cart.js:4)');
    expect((await cli('issues', 'resolve', issue.id)).stdout).toContain(`${issue.id} resolved`);
    expect(JSON.parse((await cli('issues', '--status', 'resolved', '--json')).stdout).issues.map((item: { id: string }) => item.id)).toEqual([issue.id]);
    const missing = await cli('issues', 'show', 'nope');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/issue nope does not exist/);
  }, 180_000);
});
