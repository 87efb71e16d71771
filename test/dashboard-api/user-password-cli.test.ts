import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { anonymousCall } from './support/browser-session.ts';

const menderBin = path.resolve(import.meta.dirname, '../../bin/mender.mjs');

/** Runs the real `mender` command with `input` on stdin. */
function cli(mender: MenderUnderTest, args: string[], input: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [menderBin, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, MENDER_URL: mender.url, MENDER_ADMIN_TOKEN: adminToken, MENDER_DATA_DIR: mender.dataDir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('mender user add --password-stdin', () => {
  let mender: MenderUnderTest;
  beforeAll(async () => {
    mender = await startMenderUnderTest();
  });
  afterAll(async () => {
    await mender?.close();
  });

  it('creates a user who can sign in to the dashboard with the password', async () => {
    const created = await cli(mender, ['user', 'add', 'pat', '--role', 'team-lead', '--password-stdin', '--json'], 'pat-password-1234\n');
    expect(created.exitCode, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'pat', role: 'team-lead', token: expect.stringMatching(/^mnd_/) });
    const signedIn = await anonymousCall(mender, 'POST', '/api/session', { name: 'pat', password: 'pat-password-1234' });
    expect(signedIn.status).toBe(200);
    expect(signedIn.json.user).toMatchObject({ name: 'pat', role: 'team-lead' });
  });

  it('refuses a short password and creates nobody', async () => {
    const refused = await cli(mender, ['user', 'add', 'kit', '--role', 'viewer', '--password-stdin'], 'short\n');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('at least 12 characters');
    const users = (await mender.call('GET', '/api/users')).json.users.map((user: { name: string }) => user.name);
    expect(users).not.toContain('kit');
  });
});
