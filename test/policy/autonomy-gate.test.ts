import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/store/database.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';

const dayMs = 86_400_000;
const start = new Date('2026-11-02T10:00:00Z');

/**
 * Operations that ended at level 2: no public way makes dozens of them end on chosen days, so the
 * test writes their rows (a repository row, then terminal operations) into Mender's database.
 */
async function endOperations(mender: MenderUnderTest, at: Date, statuses: string[]): Promise<void> {
  await mender.store.db.execute(
    sql`INSERT INTO repos (id, name, path, default_branch) VALUES ('repo-track', 'track', '/nowhere', 'main') ON CONFLICT DO NOTHING`,
  );
  for (const [index, status] of statuses.entries()) {
    await mender.store.db.execute(sql`
      INSERT INTO operations (id, repo_id, type, source, description, status, head_commit, max_attempts, created_by, created_at, updated_at)
      VALUES (${`track-${at.getTime()}-${index}`}, 'repo-track', 'fix', 'detector', 'a fix', ${status}, 'abc123', 3, 'detector', ${at.toISOString()}, ${at.toISOString()})`);
  }
}

async function periods(mender: MenderUnderTest) {
  const result: unknown = await mender.store.db.execute(
    sql`SELECT level, set_by, override, override_rule, override_reason, ended_at FROM autonomy_periods ORDER BY id`,
  );
  return rowsOf<Record<string, unknown>>(result);
}

describe('the autonomy gate on PATCH /api/settings', () => {
  let mender: MenderUnderTest | undefined;
  let now = start;
  afterEach(async () => {
    await mender?.close();
    mender = undefined;
    now = start;
  });
  const startAt = async (env: Record<string, string> = {}) => {
    mender = await startMenderUnderTest(env, { clock: () => new Date(now) });
    return mender;
  };
  const level = async (subject: MenderUnderTest) => (await subject.call('GET', '/api/agent')).json.autonomyLevel;

  it('refuses autonomy 3 on the first day at level 2, naming the rule, and changes nothing', async () => {
    const subject = await startAt({ MENDER_AUTONOMY_LEVEL: '2' });
    const refused = await subject.call('PATCH', '/api/settings', { autonomyLevel: 3 });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.json.error.code).toBe('autonomy_refused');
    expect(refused.json.error.message).toContain('autonomy-3-needs-30-days');
    expect(refused.json.error.message).toContain('the team has run 0 days at it');
    expect(await level(subject)).toBe(2);
    expect((await subject.call('GET', '/api/audit')).text).not.toContain('setting:autonomyLevel');
  });

  it('refuses autonomy 3 straight from level 1', async () => {
    const subject = await startAt();
    const refused = await subject.call('PATCH', '/api/settings', { autonomyLevel: 3, maxSteps: 12 });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toContain('autonomy-3-from-level-2-only');
    expect((await subject.call('GET', '/api/settings')).json.settings).toMatchObject({ autonomyLevel: 1, maxSteps: 40 });
  });

  it('allows autonomy 3 after 30 days at level 2 with 90 % success, not after 29', async () => {
    const subject = await startAt();
    expect((await subject.call('PATCH', '/api/settings', { autonomyLevel: 2 })).status).toBe(200);
    await endOperations(subject, new Date(start.getTime() + 3 * dayMs), ['done', 'done', 'done', 'done', 'done', 'done', 'done', 'merged', 'done', 'failed']);
    // Left out of the rate: cancelled, and a plan rejected before any change.
    await endOperations(subject, new Date(start.getTime() + 4 * dayMs), ['cancelled']);
    now = new Date(start.getTime() + 29 * dayMs + 23 * 3_600_000);
    const early = await subject.call('PATCH', '/api/settings', { autonomyLevel: 3 });
    expect(early.status).toBe(409);
    expect(early.json.error.message).toContain('autonomy-3-needs-30-days');
    expect(early.json.error.message).toContain('29 days');
    // The standing and what the policy says about the next level, for anyone who may approve.
    const standing = await subject.call('GET', '/api/autonomy');
    expect(standing.status).toBe(200);
    expect(standing.json).toMatchObject({
      level: 2,
      standing: { days: 29, operations: 10, successRate: 0.9 },
      next: { level: 3, outcome: 'deny', rule: 'autonomy-3-needs-30-days' },
      periods: [{ level: 2, setBy: 'admin' }, { level: 1 }],
    });

    now = new Date(start.getTime() + 30 * dayMs);
    const allowed = await subject.call('PATCH', '/api/settings', { autonomyLevel: 3 });
    expect(allowed.status, allowed.text).toBe(200);
    expect(await level(subject)).toBe(3);
    expect(await periods(subject)).toMatchObject([
      { level: 1, set_by: 'default', override: false },
      { level: 2, set_by: 'admin', override: false },
      { level: 3, set_by: 'admin', override: false, ended_at: null },
    ]);
  });

  it('refuses autonomy 3 after 30 days at 80 % success; an admin overrides it with a reason, recorded', async () => {
    const subject = await startAt();
    expect((await subject.call('PATCH', '/api/settings', { autonomyLevel: 2 })).status).toBe(200);
    await endOperations(subject, new Date(start.getTime() + dayMs), ['done', 'done', 'done', 'done', 'done', 'done', 'done', 'done', 'failed', 'rolled_back']);
    now = new Date(start.getTime() + 31 * dayMs);
    const refused = await subject.call('PATCH', '/api/settings', { autonomyLevel: 3 });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toContain('autonomy-3-needs-success');
    expect(refused.json.error.message).toContain('the rate is 0.8 of 10');

    for (const [body, problem] of [
      [{ autonomyLevel: 3, override: '' }, /reason/],
      [{ autonomyLevel: 3, override: 7 }, /reason/],
      [{ maxSteps: 9, override: 'because' }, /autonomyLevel only/],
    ] as const) {
      const bad = await subject.call('PATCH', '/api/settings', body);
      expect(bad.status).toBe(400);
      expect(bad.json.error.fields.override[0]).toMatch(problem);
    }
    expect(await level(subject)).toBe(2);

    const overridden = await subject.call('PATCH', '/api/settings', { autonomyLevel: 3, override: 'the on-call team watches every merge this week' });
    expect(overridden.status, overridden.text).toBe(200);
    expect(await level(subject)).toBe(3);
    expect((await periods(subject)).at(-1)).toMatchObject({
      level: 3,
      set_by: 'admin',
      override: true,
      override_rule: 'autonomy-3-needs-success',
      override_reason: 'the on-call team watches every merge this week',
    });
    const audit = (await subject.call('GET', '/api/audit?action=autonomy.overridden')).json;
    expect(JSON.stringify(audit)).toContain('autonomy-3-needs-success');
    expect(JSON.stringify(audit)).toContain('the on-call team watches every merge this week');
  });

  it('records a level from the environment as a period, and warns when it skips the gate', async () => {
    const subject = await startAt({ MENDER_AUTONOMY_LEVEL: '3' });
    expect(await level(subject)).toBe(3);
    expect(await periods(subject)).toMatchObject([{ level: 3, set_by: 'environment', override: true, override_rule: 'autonomy-3-from-level-2-only' }]);
    expect(subject.logs.join('')).toContain('the autonomy level set at start skips the policy gate');
    expect((await subject.call('GET', '/api/audit')).text).toContain('autonomy.overridden');
  });
});
