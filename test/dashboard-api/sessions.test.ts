import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { anonymousCall, browserSessionFrom, createUserAndSignIn, signIn } from './support/browser-session.ts';

describe('dashboard sessions', () => {
  let mender: MenderUnderTest;
  let target: TargetRepository;
  let now = Date.parse('2026-03-02T09:00:00Z');

  beforeAll(async () => {
    mender = await startMenderUnderTest({}, { clock: () => new Date(now) });
    target = createTargetRepository();
    expect((await mender.call('POST', '/api/repos', { name: 'cart', path: target.path })).status).toBe(201);
    expect((await mender.call('POST', '/api/users', { name: 'lee', role: 'team-lead', password: 'lee-password-123' })).status).toBe(201);
  });
  afterAll(async () => {
    await mender?.close();
    target?.cleanup();
  });

  it('signs in with name and password: the user, a CSRF token, the expiry and an HttpOnly SameSite=Strict cookie', async () => {
    const answer = await anonymousCall(mender, 'POST', '/api/session', { name: 'lee', password: 'lee-password-123' });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      user: { id: expect.any(String), name: 'lee', role: 'team-lead' },
      csrfToken: expect.any(String),
      expiresAt: new Date(now + 720 * 60_000).toISOString(),
    });
    const cookie = answer.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^mender_session=[A-Za-z0-9_-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');
    const session = browserSessionFrom(mender, answer);
    const again = await session.call('GET', '/api/session');
    expect(again.status).toBe(200);
    expect(again.json).toEqual(answer.json);
  });

  it('marks the cookie Secure when the request came over https (a proxy saying X-Forwarded-Proto: https)', async () => {
    const answer = await anonymousCall(mender, 'POST', '/api/session', { name: 'lee', password: 'lee-password-123' }, { 'x-forwarded-proto': 'https' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('set-cookie')).toContain('Secure');
  });

  it('refuses a wrong password, an unknown name and a user without a password with one message', async () => {
    const answers = [
      await anonymousCall(mender, 'POST', '/api/session', { name: 'lee', password: 'not-the-password' }),
      await anonymousCall(mender, 'POST', '/api/session', { name: 'nobody', password: 'lee-password-123' }),
      // The provisioned admin has a token and no password: it cannot sign in to the dashboard.
      await anonymousCall(mender, 'POST', '/api/session', { name: 'admin', password: 'whatever-it-is' }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.json.error).toEqual({ code: 'invalid_credentials', message: 'wrong name or password' });
      expect(answer.headers.get('set-cookie')).toBeNull();
    }
  });

  it('keeps only hashes of the session id and the CSRF token in the database', async () => {
    const session = await signIn(mender, 'lee', 'lee-password-123');
    const rows = (await mender.store.db.execute('SELECT * FROM sessions' as never)) as unknown as { rows: Record<string, unknown>[] };
    const stored = JSON.stringify(rows.rows);
    expect(rows.rows.length).toBeGreaterThan(0);
    expect(stored).not.toContain(session.cookie.split('=')[1]);
    expect(stored).not.toContain(session.csrfToken);
  });

  it('lets the cookie read the API and, with the CSRF header, change things; operations it starts come from the dashboard', async () => {
    const session = await signIn(mender, 'lee', 'lee-password-123');
    expect((await session.call('GET', '/api/operations')).status).toBe(200);
    const missing = await session.call('POST', '/api/operations', { type: 'fix', description: 'total ignores quantity', repo: 'cart' }, { csrf: null });
    expect(missing.status).toBe(403);
    expect(missing.json.error.code).toBe('csrf_failed');
    expect(missing.json.error.message).toContain('X-CSRF-Token');
    const wrong = await session.call('POST', '/api/operations', { type: 'fix', description: 'total ignores quantity', repo: 'cart' }, { csrf: 'forged-token' });
    expect(wrong.status).toBe(403);
    expect(wrong.json.error.code).toBe('csrf_failed');
    // Neither refused request started anything.
    expect((await mender.call('GET', '/api/operations')).json.operations).toHaveLength(0);
    const created = await session.call('POST', '/api/operations', { type: 'fix', description: 'total ignores quantity', repo: 'cart' });
    expect(created.status).toBe(201);
    const operation = (await mender.call('GET', `/api/operations/${created.json.id}`)).json;
    expect(operation.source).toBe('dashboard');
    expect(operation.createdBy).toBe('lee');
    // A bearer token needs no CSRF header (a browser never sends it by itself); it is not the dashboard.
    const byToken = await mender.call('POST', '/api/operations', { type: 'fix', description: 'another', repo: 'cart' });
    expect(byToken.status).toBe(201);
    expect((await mender.call('GET', `/api/operations/${byToken.json.id}`)).json.source).toBe('api');
    for (const id of [created.json.id, byToken.json.id]) await mender.call('POST', `/api/operations/${id}/cancel`);
  });

  it('answers 401 session_expired once the session is older than MENDER_SESSION_TTL_MINUTES (default 720)', async () => {
    const session = await signIn(mender, 'lee', 'lee-password-123');
    now += 719 * 60_000;
    expect((await session.call('GET', '/api/agent')).status).toBe(200);
    now += 2 * 60_000;
    const expired = await session.call('GET', '/api/agent');
    expect(expired.status).toBe(401);
    expect(expired.json.error.code).toBe('session_expired');
    expect(expired.json.error.message).toMatch(/sign in again/);
    expect((await session.call('GET', '/api/session')).status).toBe(401);
    const mutation = await session.call('POST', '/api/agent/pause', {});
    expect(mutation.status).toBe(401);
  });

  it('signs out: 204, the cookie cleared, the session gone; signing out needs the CSRF token', async () => {
    const session = await signIn(mender, 'lee', 'lee-password-123');
    expect((await session.call('DELETE', '/api/session', undefined, { csrf: null })).status).toBe(403);
    const out = await session.call('DELETE', '/api/session');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/mender_session=;.*Max-Age=0/);
    const after = await session.call('GET', '/api/operations');
    expect(after.status).toBe(401);
    expect(after.json.error.code).toBe('unauthorized');
    expect((await anonymousCall(mender, 'GET', '/api/session')).status).toBe(401);
  });

  it('records sign-in and sign-out in the audit log', async () => {
    const session = await signIn(mender, 'lee', 'lee-password-123');
    await session.call('DELETE', '/api/session');
    const actions = (await mender.call('GET', '/api/audit?actor=lee&limit=1000')).json.entries.map((entry: { action: string }) => entry.action);
    expect(actions).toContain('session.signed_in');
    expect(actions).toContain('session.signed_out');
  });

  it('slows guessing: after 10 failures for a name within 15 minutes it answers 429 with Retry-After, even to the right password', async () => {
    await createUserAndSignIn(mender, 'kim', 'viewer', 'kim-password-123');
    for (let attempt = 0; attempt < 10; attempt++) {
      expect((await anonymousCall(mender, 'POST', '/api/session', { name: 'kim', password: `guess-${attempt}` })).status).toBe(401);
    }
    const throttled = await anonymousCall(mender, 'POST', '/api/session', { name: 'kim', password: 'kim-password-123' });
    expect(throttled.status).toBe(429);
    expect(throttled.json.error.code).toBe('too_many_attempts');
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    now += retryAfter * 1000;
    expect((await anonymousCall(mender, 'POST', '/api/session', { name: 'kim', password: 'kim-password-123' })).status).toBe(200);
  });

  it('throttles per address too, whatever names are tried', async () => {
    const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
    const attempt = (name: string, address: string) =>
      mender.app.request(
        '/api/session',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password: 'wrong-password' }) },
        from(address),
      );
    for (let index = 0; index < 10; index++) expect((await attempt(`guess${index}`, '203.0.113.7')).status).toBe(401);
    expect((await attempt('someone-else', '203.0.113.7')).status).toBe(429);
    expect((await attempt('someone-else', '203.0.113.8')).status).toBe(401);
  });

  it('answers 401 without a cookie or token, naming both ways in', async () => {
    const answer = await anonymousCall(mender, 'GET', '/api/operations');
    expect(answer.status).toBe(401);
    expect(answer.json.error.message).toContain('POST /api/session');
  });
});

describe('session lifetime setting', () => {
  it('follows MENDER_SESSION_TTL_MINUTES', async () => {
    let now = Date.parse('2026-03-02T09:00:00Z');
    const mender = await startMenderUnderTest({ MENDER_SESSION_TTL_MINUTES: '5' }, { clock: () => new Date(now) });
    try {
      const session = await createUserAndSignIn(mender, 'sam', 'viewer');
      expect(session.user.role).toBe('viewer');
      expect((await session.call('GET', '/api/session')).json.expiresAt).toBe(new Date(now + 5 * 60_000).toISOString());
      now += 5 * 60_000;
      expect((await session.call('GET', '/api/agent')).json.error.code).toBe('session_expired');
    } finally {
      await mender.close();
    }
  });
});
