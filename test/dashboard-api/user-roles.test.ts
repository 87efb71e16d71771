import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createUserAndSignIn, type BrowserSession } from './support/browser-session.ts';

// PATCH /api/users/:name (the Users page's role change): the new role holds from the next request,
// and Mender never ends up without an admin.
describe('changing a user’s role', () => {
  let mender: MenderUnderTest;
  let ada: BrowserSession;

  beforeAll(async () => {
    mender = await startMenderUnderTest();
    ada = await createUserAndSignIn(mender, 'ada', 'admin');
  });
  afterAll(async () => {
    await mender?.close();
  });

  it('applies the new role to the user’s open session at once', async () => {
    const lee = await createUserAndSignIn(mender, 'lee', 'viewer');
    expect((await lee.call('POST', '/api/operations/no-such-id/cancel', {})).status).toBe(403);
    const changed = await ada.call('PATCH', '/api/users/lee', { role: 'team-lead' });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json).toMatchObject({ name: 'lee', role: 'team-lead' });
    expect((await lee.call('GET', '/api/session')).json.user.role).toBe('team-lead');
    expect((await lee.call('POST', '/api/operations/no-such-id/cancel', {})).status).toBe(404);
    const listed = (await ada.call('GET', '/api/users')).json.users as { name: string; role: string; signsIn: boolean }[];
    expect(listed.find((user) => user.name === 'lee')).toMatchObject({ role: 'team-lead', signsIn: true });
    // The admin behind MENDER_ADMIN_TOKEN has no password: it cannot sign in to the dashboard.
    expect(listed.find((user) => user.name === 'admin')).toMatchObject({ role: 'admin', signsIn: false });
    // Who added lee, and who changed the role from what to what, are in the audit log.
    const rows = (await mender.call('GET', '/api/audit?subject=user:lee')).json.entries as { actor: string; action: string; details: unknown }[];
    expect(rows.filter((row) => row.action.startsWith('user.')).map(({ actor, action, details }) => ({ actor, action, details }))).toEqual([
      { actor: 'admin', action: 'user.created', details: { role: 'viewer', signsIn: true } },
      { actor: 'ada', action: 'user.role_changed', details: { from: 'viewer', to: 'team-lead' } },
    ]);
  });

  it('names what is wrong: an unknown user, an unknown role', async () => {
    const missing = await ada.call('PATCH', '/api/users/nobody', { role: 'viewer' });
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toContain('nobody');
    const badRole = await ada.call('PATCH', '/api/users/lee', { role: 'owner' });
    expect(badRole.status).toBe(400);
    expect(badRole.json.error.fields.role).toHaveLength(1);
  });

  it('refuses to demote the only admin', async () => {
    // The token's admin (MENDER_ADMIN_TOKEN) and ada are admins: one may go, then the other may not.
    expect((await ada.call('PATCH', '/api/users/admin', { role: 'team-lead' })).status).toBe(200);
    const refused = await ada.call('PATCH', '/api/users/ada', { role: 'viewer' });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/only admin/);
    expect(refused.json.error.fields.role[0]).toMatch(/only admin/);
    expect((await ada.call('GET', '/api/session')).json.user.role).toBe('admin');
  });
});
