import { describe, expect, it } from 'vitest';
import { formatOperation } from './format-operation.ts';

const steps = [
  { command: 'vitest run', scripts: ['test'], runner: 'vitest', structured: true, passed: 2, failed: 1, skipped: 0 },
  {
    command: 'npm run --prefix tools check',
    scripts: ['test'],
    runner: 'unknown',
    structured: false,
    passed: 0,
    failed: 0,
    skipped: 0,
    fallbackReason: "runs another package's scripts (--prefix)",
  },
];
const redTest = {
  id: 'test/quantity.test.ts::multiplies the price by the quantity',
  file: 'test/quantity.test.ts',
  name: 'multiplies the price by the quantity',
  line: 5,
  message: 'AssertionError: expected 4 to be 12 // Object.is equality\n\n- Expected\n+ Received',
  step: 0,
};

// An operation as GET /api/operations/:id answers it, with evidence shaped as verifyChange stores it.
const operation = {
  id: 'op1',
  type: 'fix',
  status: 'awaiting_approval',
  repo: 'cart',
  description: 'total() ignores the quantity',
  attempts: 1,
  maxAttempts: 3,
  updatedAt: '2026-12-02T15:00:00.000Z',
  evidence: {
    baseline: { command: 'npm test', exitCode: 0, passed: 2, failed: 0, failingIds: [], structured: true, durationMs: 41_000, checks: {} },
    red: {
      status: 'confirmed',
      run: { command: 'npm test', exitCode: 1, passed: 2, failed: 1, failures: [redTest], durationMs: 1_200, steps },
      newlyFailing: [redTest.id],
      scope: 'changed-tests',
      fullSuiteMs: 41_000,
    },
    green: {
      status: 'passed',
      run: { command: 'npm test', exitCode: 0, passed: 3, failed: 0, failures: [], durationMs: 2_000, steps },
      stillFailing: [],
      newFailures: [],
      fixed: [],
    },
  },
};

describe('formatOperation (mender status)', () => {
  it("names red's tests under their chain step with a one-line message, and says what red ran", () => {
    const text = formatOperation(operation);
    expect(text).toContain('  red: confirmed — the new tests only, 1.2 s (full suite 41.0 s)');
    expect(text).toContain('    step 1 `vitest run` (vitest): 2 passed, 1 failed');
    expect(text).toContain(
      '      ✗ test/quantity.test.ts › multiplies the price by the quantity (line 5): AssertionError: expected 4 to be 12 // Object.is equality',
    );
    expect(text).toContain("    step 2 `npm run --prefix tools check`: read from the exit code: runs another package's scripts (--prefix)");
    expect(text).not.toContain('- Expected');
    expect(text).toContain('  green: passed — 3 passed, 0 failed');
  });

  it('still reads evidence stored before steps and names were kept', () => {
    const old = {
      ...operation,
      evidence: {
        red: {
          status: 'confirmed',
          newlyFailing: [redTest.id],
          run: { command: 'npm test', exitCode: 1, passed: 0, failed: 1, failures: [{ id: redTest.id }], durationMs: 900 },
        },
        green: { status: 'passed' },
      },
    };
    const text = formatOperation(old);
    expect(text).toContain('  red: confirmed — ran npm test, 900 ms');
    expect(text).toContain('    ✗ test/quantity.test.ts › multiplies the price by the quantity');
    expect(text).toContain('  green: passed');
  });
});
