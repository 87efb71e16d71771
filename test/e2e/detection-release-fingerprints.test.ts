import { afterEach, describe, expect, it } from 'vitest';
import { fingerprintsBefore, releaseFingerprints } from '../../src/detect/release-fingerprints.ts';
import { eventually } from '../support/eventually.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';

const releaseA = 'a'.repeat(40);
const releaseB = 'b'.repeat(40);

// Warnings are P4: logged, no operation starts, so the test is only about the counts.
function warning(functionName: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    event_id: crypto.randomUUID().replace(/-/g, ''),
    level: 'warning',
    exception: {
      values: [
        {
          type: 'TypeError',
          value: `broken in ${functionName}`,
          stacktrace: { frames: [{ filename: '/srv/app/cart.js', function: functionName, lineno: 3, in_app: true }] },
        },
      ],
    },
    ...extra,
  };
}

const envelope = (events: Record<string, unknown>[]) =>
  `{}\n${events.map((event) => `${JSON.stringify({ type: 'event' })}\n${JSON.stringify(event)}`).join('\n')}\n`;

describe('per-release error fingerprints for the canary judge', () => {
  let mender: MenderUnderTest | undefined;
  let target: TargetRepository | undefined;
  afterEach(async () => {
    await mender?.close();
    target?.cleanup();
  });

  it('counts events and users per release and environment, through the real ingest', async () => {
    target = createTargetRepository();
    mender = await startMenderUnderTest();
    const repo = (await mender.call('POST', '/api/repos', { name: 'shop', path: target.path })).json as { id: string };
    const project = (await mender.call('POST', '/api/projects', { name: 'shop', repo: 'shop' })).json as { id: number; publicKey: string };
    const send = async (events: Record<string, unknown>[]) => {
      const response = await mender!.app.request(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, { method: 'POST', body: envelope(events) });
      expect(response.status).toBe(200);
    };
    const issue = async (functionName: string) =>
      ((await mender!.call('GET', '/api/issues?limit=500')).json.issues as any[]).find((item) => item.title === `TypeError: broken in ${functionName}`);
    const staging = { environment: 'staging' };

    const start = new Date();
    await send([
      warning('checkout', { release: releaseA, ...staging, user: { id: 'u1' } }),
      warning('checkout', { release: releaseA, ...staging, user: { id: 'u1' } }),
      warning('checkout', { release: releaseA, ...staging, user: { id: 'u2' } }),
      warning('checkout', { release: releaseA, environment: 'production', user: { id: 'u3' } }),
      warning('checkout', { release: releaseB, ...staging, user: { id: 'u4' } }),
      warning('checkout', { user: { id: 'u5' } }),
      warning('cart', { release: releaseB, ...staging, user: { email: 'Five@example.com' } }),
      warning('cart', { release: releaseB, ...staging, user: { email: 'five@example.com' } }),
    ]);
    const checkout = await eventually(
      () => issue('checkout'),
      (item) => item?.count === 6,
      'the first envelope is digested',
    );
    const cart = await issue('cart');
    const query = { repoId: repo.id, environment: 'staging' };

    expect(await releaseFingerprints(mender.store.db, { ...query, release: releaseA, since: start })).toEqual([
      { fingerprint: checkout.id, events: 3, users: 2 },
    ]);
    expect(await releaseFingerprints(mender.store.db, { ...query, environment: 'production', release: releaseA, since: start })).toEqual([
      { fingerprint: checkout.id, events: 1, users: 1 },
    ]);
    expect(await releaseFingerprints(mender.store.db, { ...query, release: releaseB, since: start })).toEqual([
      { fingerprint: cart.id, events: 2, users: 1 },
      { fingerprint: checkout.id, events: 1, users: 1 },
    ]);
    expect(await releaseFingerprints(mender.store.db, { ...query, repoId: 'another-repo', release: releaseA, since: start })).toEqual([]);

    // Later events of the same release add up; a fingerprint last seen before `since` is left out.
    const deploy = new Date();
    await send([
      warning('cart', { release: releaseA, ...staging, user: { id: 'u6' } }),
      warning('checkout', { release: releaseA, ...staging, user: { id: 'u2' } }),
    ]);
    await eventually(
      () => issue('cart'),
      (item) => item?.count === 3,
      'the second envelope is digested',
    );
    expect(await releaseFingerprints(mender.store.db, { ...query, release: releaseA, since: deploy })).toEqual([
      { fingerprint: checkout.id, events: 4, users: 2 },
      { fingerprint: cart.id, events: 1, users: 1 },
    ]);
    expect(await releaseFingerprints(mender.store.db, { ...query, release: releaseB, since: deploy })).toEqual([]);
    expect(await fingerprintsBefore(mender.store.db, { ...query, release: releaseA, before: deploy })).toEqual([checkout.id]);
    expect((await fingerprintsBefore(mender.store.db, { ...query, release: releaseA, before: new Date() })).sort()).toEqual([cart.id, checkout.id].sort());
    expect(await fingerprintsBefore(mender.store.db, { ...query, release: releaseA, before: start })).toEqual([]);
  }, 60_000);
});
