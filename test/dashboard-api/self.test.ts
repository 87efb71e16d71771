import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commits, createFakeSupervisor, firstState, stateOnProbation, type FakeSupervisor } from '../support/fake-supervisor.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { createUserAndSignIn, type BrowserSession } from './support/browser-session.ts';

describe('self-maintenance over HTTP: /api/self, enable, rollback', () => {
  let checkout: TargetRepository;
  let plain: MenderUnderTest;
  let mender: MenderUnderTest;
  let supervisor: FakeSupervisor;
  let admin: BrowserSession;
  let lead: BrowserSession;
  let viewer: BrowserSession;

  const auditActions = async (action: string) =>
    ((await mender.call('GET', `/api/audit?action=${action}`)).json.entries as Array<{ actor: string; subject: string; details: Record<string, unknown> }>).map(
      (entry) => ({ actor: entry.actor, subject: entry.subject, details: entry.details }),
    );
  const selfRepos = async () =>
    ((await mender.call('GET', '/api/repos')).json.repos as Array<{ name: string; self: boolean; path: string }>).filter((repo) => repo.self);

  beforeAll(async () => {
    checkout = createTargetRepository();
    // Started as `mender start --no-supervisor` would be: no supervisor option at all.
    plain = await startMenderUnderTest();
    supervisor = createFakeSupervisor(checkout.path, firstState(checkout.path));
    mender = await startMenderUnderTest({}, { supervisor });
    // The happy paths go through a signed-in admin's cookie and CSRF token, as the dashboard's would.
    admin = await createUserAndSignIn(mender, 'ada', 'admin');
    lead = await createUserAndSignIn(mender, 'lee', 'team-lead');
    viewer = await createUserAndSignIn(mender, 'val', 'viewer');
  }, 120_000);
  afterAll(async () => {
    await plain?.close();
    await mender?.close();
    checkout?.cleanup();
  });

  it('says in words that nothing supervises a Mender started without its supervisor, and refuses enable and rollback with the advice', async () => {
    const view = await plain.call('GET', '/api/self');
    expect(view.status).toBe(200);
    expect(view.json).toMatchObject({ supervised: false, checkout: null, repo: null, state: null });
    expect(view.json.summary).toContain('not running under its supervisor');
    for (const route of ['/api/self/enable', '/api/self/rollback']) {
      const refused = await plain.call('POST', route, {});
      expect(refused.status).toBe(409);
      expect(refused.json.error.message).toContain('`mender start` without --no-supervisor');
    }
    expect((await plain.call('GET', '/api/repos')).json.repos).toEqual([]);
  });

  it('shows the supervisor state to a viewer, and that self-maintenance is not enabled yet', async () => {
    const view = await viewer.call('GET', '/api/self');
    expect(view.status).toBe(200);
    expect(view.json).toMatchObject({
      supervised: true,
      checkout: checkout.path,
      repo: null,
      state: { active: { commit: commits.checkout, slot: 'checkout' } },
    });
    expect(view.json.summary).toBe(
      'running 111111111111 (the checkout); no update in flight; there is no previous version to roll back to; self-maintenance is not enabled: `mender self enable` registers the checkout',
    );
  });

  it('enable: refuses a checkout that holds the data folder with the registration message', async () => {
    const before = supervisor.checkout;
    // The data folder as a checkout of its own: its database and tokens would be in reach of the tools.
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: mender.dataDir });
    supervisor.checkout = mender.dataDir;
    try {
      const refused = await mender.call('POST', '/api/self/enable', {});
      expect(refused.status).toBe(400);
      expect(refused.json.error.message).toContain("contains Mender's data folder");
      expect(refused.json.error.message).toContain('MENDER_DATA_DIR');
      expect(refused.json.error.fields).toHaveProperty('path');
      expect(await selfRepos()).toEqual([]);
    } finally {
      supervisor.checkout = before;
    }
  });

  it('enable: refuses non-admins and a bad body naming the field, changing nothing; an admin registers the checkout as `mender`, audited', async () => {
    const forbidden = await lead.call('POST', '/api/self/enable', {});
    expect(forbidden.status).toBe(403);
    expect(forbidden.json.error.message).toBe('lee is team-lead; only admins may enable self-maintenance');
    const bad = await mender.call('POST', '/api/self/enable', { name: 42 });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json.error.fields)).toEqual(['name']);
    const unknown = await mender.call('POST', '/api/self/enable', { path: '/elsewhere' });
    expect(unknown.status).toBe(400);
    expect(await selfRepos()).toEqual([]);

    const enabled = await admin.call('POST', '/api/self/enable');
    expect(enabled.status).toBe(200);
    expect(enabled.json.registered).toEqual({ name: 'mender', path: checkout.path, defaultBranch: 'main' });
    expect(enabled.json.repo).toBe('mender');
    expect(enabled.json.summary).not.toContain('not enabled');
    expect((await selfRepos()).map((repo) => [repo.name, repo.path])).toEqual([['mender', checkout.path]]);
    expect(await auditActions('self.enabled')).toEqual([{ actor: 'ada', subject: 'repo:mender', details: { path: checkout.path, defaultBranch: 'main' } }]);
    // Again is harmless: the same checkout, the same row.
    expect((await mender.call('POST', '/api/self/enable')).status).toBe(200);
    expect(await selfRepos()).toHaveLength(1);
  });

  it('rollback: admins only; 409 saying why when there is no previous version; otherwise asks the supervisor, audited', async () => {
    const noPrevious = await mender.call('POST', '/api/self/rollback', {});
    expect(noPrevious.status).toBe(409);
    expect(noPrevious.json.error.message).toBe(
      'there is no previous version to go back to: Mender runs 111111111111 (the checkout) and no earlier version has been blessed since',
    );
    supervisor.publish(stateOnProbation(checkout.path));
    const forbidden = await lead.call('POST', '/api/self/rollback', {});
    expect(forbidden.status).toBe(403);
    expect((await mender.call('POST', '/api/self/rollback', { comment: 7 })).status).toBe(400);
    expect(supervisor.rollbacks).toEqual([]);

    const asked = await admin.call('POST', '/api/self/rollback', { comment: 'the new version is slow' });
    expect(asked.status).toBe(202);
    expect(asked.json.requested).toEqual({ from: commits.trial, to: commits.blessed });
    expect(supervisor.rollbacks).toEqual(['ada']);
    expect(await auditActions('self.rollback_requested')).toEqual([
      { actor: 'ada', subject: 'self', details: { from: commits.trial, to: commits.blessed, comment: 'the new version is slow' } },
    ]);
  });

  it('shows the update on probation in the summary', async () => {
    supervisor.publish(stateOnProbation(checkout.path));
    const view = await mender.call('GET', '/api/self');
    expect(view.json.state.current.phase).toBe('probation');
    expect(view.json.summary).toBe(
      'running 333333333333 (slot b); the update to 333333333333 is on probation (no operation step completed yet; it must stay healthy 300 s); it can roll back to 222222222222 (slot a)',
    );
  });
});
