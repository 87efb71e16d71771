import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/load-settings.ts';
import { startMender } from '../../src/main/start-mender.ts';
import { adminToken, startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { anonymousCall, browserSessionFrom } from './support/browser-session.ts';

function setupLinksIn(logs: string[]): string[] {
  return logs.flatMap((line) => [...line.matchAll(/http:\/\/[^\s"]+\/setup\?token=([A-Za-z0-9_-]+)/g)].map((match) => match[0]));
}

function tokenOf(link: string): string {
  return new URL(link).searchParams.get('token')!;
}

describe('first admin through the one-time setup link', () => {
  let mender: MenderUnderTest | undefined;
  let now = Date.parse('2026-03-02T09:00:00Z');
  afterEach(async () => {
    await mender?.close();
    mender = undefined;
  });

  it('prints a link at start while no admin has a password; the link creates the admin, signs them in, and works once', async () => {
    mender = await startMenderUnderTest({}, { clock: () => new Date(now) });
    const links = new Set(setupLinksIn(mender.logs));
    expect(links.size).toBe(1);
    const [link] = [...links];
    // Once in the JSON log line, once as a plain line a person notices.
    expect(mender.logs.filter((line) => line.includes(link!))).toHaveLength(2);
    expect(mender.logs.some((line) => line.startsWith('\nCreate Mender') && line.includes(link!))).toBe(true);
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/setup\?token=/);
    expect((await anonymousCall(mender, 'GET', '/api/setup')).json).toEqual({ needed: true });

    const shortPassword = await anonymousCall(mender, 'POST', '/api/setup', { token: tokenOf(link!), name: 'ada', password: 'short' });
    expect(shortPassword.status).toBe(400);
    expect(shortPassword.json.error.fields.password).toEqual(['use at least 12 characters']);
    const badToken = await anonymousCall(mender, 'POST', '/api/setup', { token: 'not-the-token', name: 'ada', password: 'ada-password-123' });
    expect(badToken.status).toBe(401);
    expect(badToken.json.error.code).toBe('setup_token_invalid');
    expect((await mender.call('GET', '/api/users')).json.users.map((user: { name: string }) => user.name)).toEqual(['admin']);

    const created = await anonymousCall(mender, 'POST', '/api/setup', { token: tokenOf(link!), name: 'ada', password: 'ada-password-123' });
    expect(created.status).toBe(200);
    expect(created.json.user).toMatchObject({ name: 'ada', role: 'admin' });
    const session = browserSessionFrom(mender, created);
    expect((await session.call('GET', '/api/users')).status).toBe(200);
    expect((await anonymousCall(mender, 'GET', '/api/setup')).json).toEqual({ needed: false });
    const again = await anonymousCall(mender, 'POST', '/api/setup', { token: tokenOf(link!), name: 'eve', password: 'eve-password-123' });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/sign in instead/);
    // The new admin signs in with the password from now on; the setup is in the audit log.
    expect((await anonymousCall(mender, 'POST', '/api/session', { name: 'ada', password: 'ada-password-123' })).status).toBe(200);
    const audit = (await mender.call('GET', '/api/audit?action=setup.admin_created')).json.entries;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'ada', subject: 'user:ada', details: { name: 'ada', role: 'admin', via: 'setup link' } });
  });

  it('refuses a link older than 24 hours with 410', async () => {
    mender = await startMenderUnderTest({}, { clock: () => new Date(now) });
    const [link] = setupLinksIn(mender.logs);
    now += 24 * 60 * 60_000 + 1;
    const late = await anonymousCall(mender, 'POST', '/api/setup', { token: tokenOf(link!), name: 'ada', password: 'ada-password-123' });
    expect(late.status).toBe(410);
    expect(late.json.error.code).toBe('setup_token_expired');
    expect(late.json.error.message).toMatch(/restart Mender/);
    expect((await anonymousCall(mender, 'GET', '/api/setup')).json).toEqual({ needed: true });
  });

  it('gives a link to one of two racing requests only', async () => {
    mender = await startMenderUnderTest({}, { clock: () => new Date(now) });
    const token = tokenOf(setupLinksIn(mender.logs)[0]!);
    const answers = await Promise.all([
      anonymousCall(mender, 'POST', '/api/setup', { token, name: 'ada', password: 'ada-password-123' }),
      anonymousCall(mender, 'POST', '/api/setup', { token, name: 'eve', password: 'eve-password-123' }),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, expect.any(Number)]);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    const admins = (await mender.call('GET', '/api/users')).json.users.filter(
      (user: { role: string; name: string }) => user.role === 'admin' && user.name !== 'admin',
    );
    expect(admins).toHaveLength(1);
  });

  it('prints no link once an admin has a password', async () => {
    mender = await startMenderUnderTest({}, { clock: () => new Date(now) });
    expect((await mender.call('POST', '/api/users', { name: 'ada', role: 'admin', password: 'ada-password-123' })).status).toBe(201);
    const dataDir = mender.dataDir;
    await mender.stop();
    const logs: string[] = [];
    const env = { MENDER_DATA_DIR: dataDir, MENDER_PORT: '0', MENDER_ADMIN_TOKEN: adminToken, MENDER_LOG_LEVEL: 'debug' };
    const restarted = await startMender(loadSettings(env, dataDir), { env, logWrite: (line) => logs.push(line), listen: false });
    try {
      expect(setupLinksIn(logs)).toEqual([]);
      expect(logs.join('')).toContain('mender ready');
    } finally {
      await restarted.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      mender = undefined;
    }
  });
});
