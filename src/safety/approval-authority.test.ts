import { describe, expect, it } from 'vitest';
import { mayApprove } from './approval-authority.ts';

const ada = { id: 'u1', name: 'ada', role: 'admin' as const };
const bea = { id: 'u2', name: 'bea', role: 'admin' as const };

describe('mayApprove', () => {
  it('lets the one who asked approve when the two-person rule is off', () => {
    expect(mayApprove(ada, 'admin', 'ada', false)).toEqual({ ok: true });
  });

  it('refuses the one who asked when the rule is on, naming the setting', () => {
    const verdict = mayApprove(ada, 'admin', 'ada', true);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toContain('turns the two-person rule off in Settings (Autonomy and approvals) for a team of one');
  });

  it("holds the rule 'always' (Mender's self-protected files) with no way round by setting", () => {
    const verdict = mayApprove(ada, 'admin', 'ada', 'always');
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toBe(
      "ada asked for this operation and cannot approve it too: it changes Mender's self-protected files, so the two-person rule holds whatever the setting in Settings says; another admin must approve",
    );
    expect(mayApprove(bea, 'admin', 'ada', 'always')).toEqual({ ok: true });
  });
});
