import { describe, expect, it } from 'vitest';
import { judgeTrial, type TrialFacts } from './probation.ts';

const rules = { probationMs: 600_000, crashLimit: 3, crashWindowMs: 60_000, healthFailures: 3 };
const facts = (overrides: Partial<TrialFacts>): TrialFacts => ({
  now: 1_000_000,
  switchedAt: 0,
  healthySince: 0,
  failedHealthInARow: 0,
  exits: [],
  stepCompleted: true,
  ...overrides,
});

describe('judging a version on trial', () => {
  it('blesses only after the probation time healthy and one operation step', () => {
    expect(judgeTrial(rules, facts({}))).toEqual({ kind: 'bless' });
    expect(judgeTrial(rules, facts({ healthySince: 500_000 })).kind).toBe('wait');
    expect(judgeTrial(rules, facts({ stepCompleted: false }))).toEqual({ kind: 'wait', reason: 'no operation step has run on it yet' });
    expect(judgeTrial(rules, facts({ healthySince: undefined })).kind).toBe('wait');
  });

  it('restarts after an exit and reverts at the third within the window', () => {
    expect(judgeTrial(rules, facts({ exits: [999_000] }), true).kind).toBe('restart');
    expect(judgeTrial(rules, facts({ exits: [930_000, 999_000] }), true).kind).toBe('restart');
    expect(judgeTrial(rules, facts({ exits: [950_000, 970_000, 999_000] }), true)).toMatchObject({ kind: 'revert', cause: 'crash_in_probation' });
    // Exits spread beyond the window are restarts, not a revert.
    expect(judgeTrial(rules, facts({ exits: [800_000, 900_000, 999_000] }), true).kind).toBe('restart');
  });

  it('reverts when /health fails the set number of times in a row', () => {
    expect(judgeTrial(rules, facts({ healthySince: undefined, failedHealthInARow: 2 })).kind).toBe('wait');
    expect(judgeTrial(rules, facts({ healthySince: undefined, failedHealthInARow: 3 }))).toMatchObject({ kind: 'revert', cause: 'health_failing' });
  });
});
