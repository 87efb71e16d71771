import { describe, expect, it } from 'vitest';
import { selfUpdateNotice } from './slack-self-update-notices.ts';

const event = (type: string, data: Record<string, unknown>) => ({
  sequence: 1,
  operationId: 'op1',
  type,
  actor: 'supervisor',
  at: '2026-12-03T10:00:00.000Z',
  data: { update: 'self_1', ...data },
});

describe("notices of Mender's own versions", () => {
  it('says why a version was reverted, what was restored and that a revert waits', () => {
    expect(
      selfUpdateNotice(event('self_update.reverted', { cause: 'crash_at_start', reason: 'it exited (code 1) before it was ready', restoredBackup: true })),
    ).toBe(
      '↩️ Mender went back to its previous version (operation `op1`): it exited (code 1) before it was ready — cause crash_at_start, database restored from the backup. A revert of the change waits for a person (`mender self status`)',
    );
  });

  it('tells of the switch and the blessing, and stays quiet about the steps between', () => {
    expect(selfUpdateNotice(event('self_update.switched', { handoverMs: 640 }))).toContain('requests waited at most 640 ms');
    expect(selfUpdateNotice(event('self_update.blessed', {}))).toContain('passed its probation');
    expect(selfUpdateNotice(event('self_update.prepared', { slot: 'a' }))).toBeUndefined();
    expect(selfUpdateNotice(event('self_update.trial_step', {}))).toBeUndefined();
  });
});
