import { describe, expect, it } from 'vitest';
import { evidenceMarkdown } from './evidence-markdown.ts';
import type { OperationEvidence } from './operation-evidence.ts';
import type { RunSummary } from './verify-change.ts';

// Shaped as verifyChange stores it for `npm test` = `vitest run && npm run --prefix tools check`.
const chainSteps: NonNullable<RunSummary['steps']> = [
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

const quantityFailure = {
  id: 'test/quantity.test.ts::multiplies the price by the quantity',
  file: 'test/quantity.test.ts',
  name: 'multiplies the price by the quantity',
  line: 5,
  message: 'AssertionError: expected 4 to be 12 // Object.is equality\n\n- Expected\n+ Received\n\n- 12\n+ 4',
  step: 0,
};
const legacyFailure = {
  id: 'test/legacy.test.ts::rounds to cents',
  file: 'test/legacy.test.ts',
  name: 'rounds to cents',
  line: 9,
  message: 'expected 1.005 to be 1.01',
  step: 0,
};

function evidence(overrides: Partial<OperationEvidence> = {}): OperationEvidence {
  return {
    baseline: { command: 'npm test', exitCode: 1, passed: 2, failed: 1, failingIds: [legacyFailure.id], structured: true, durationMs: 41_000, checks: {} },
    red: {
      status: 'confirmed',
      run: { command: 'npm test', exitCode: 1, passed: 2, failed: 2, failures: [quantityFailure, legacyFailure], durationMs: 1_200, steps: chainSteps },
      newlyFailing: [quantityFailure.id],
      scope: 'changed-tests',
      fullSuiteMs: 41_000,
    },
    green: {
      status: 'passed',
      run: {
        command: 'npm test',
        exitCode: 0,
        passed: 4,
        failed: 0,
        failures: [],
        durationMs: 2_100,
        steps: chainSteps.map((step) => ({ ...step, passed: step.structured ? 4 : 0, failed: 0 })),
      },
      stillFailing: [],
      newFailures: [],
      fixed: [legacyFailure.id],
      failingBefore: [],
    },
    checks: { typecheck: { status: 'passed', exitCode: 0, errors: 0, command: 'npx tsc --noEmit' } },
    ...overrides,
  };
}

describe('evidenceMarkdown', () => {
  it('names the red tests per step of the chain, with a one-line message, and says what red ran beside the full suite', () => {
    const markdown = evidenceMarkdown(evidence());
    expect(markdown).toContain('**Red: confirmed** (the new tests against the old code) — the new tests fail on the old code');
    expect(markdown).toContain('the new tests only: `npm test` — 1.2 s, full suite 41.0 s at baseline');
    expect(markdown).toContain('- Step 1: `vitest run` (script test) · vitest · 2 passed, 1 failed, 0 skipped');
    expect(markdown).toContain(
      '  - ✗ `test/quantity.test.ts › multiplies the price by the quantity` (line 5): `AssertionError: expected 4 to be 12 // Object.is equality`',
    );
    expect(markdown).toContain("- Step 2: `npm run --prefix tools check` (script test) · read from the exit code: runs another package's scripts (--prefix)");
    // Failing before any change: not a red test, and said so.
    expect(markdown).not.toContain('✗ `test/legacy.test.ts › rounds to cents`');
    expect(markdown).not.toContain('- Expected');
  });

  it("gives green's totals, its new failures and the tests it fixed by name", () => {
    const markdown = evidenceMarkdown(evidence());
    expect(markdown).toContain('**Green: passed** (the whole suite with the change) — 4 passed, 0 failed · 2.1 s');
    expect(markdown).toContain('New failures: none');
    expect(markdown).toContain('Fixed (failing before any change, passing now): `test/legacy.test.ts › rounds to cents`');
    expect(markdown).toContain('- typecheck: passed (0 errors)');
    const failed = evidenceMarkdown(
      evidence({ green: { ...evidence().green!, status: 'failed', newFailures: ['test/cart.test.ts::applies a discount'], fixed: [] } }),
    );
    expect(failed).toContain('New failures: `test/cart.test.ts › applies a discount`');
  });

  it('says when red ran the whole suite, and why', () => {
    const markdown = evidenceMarkdown(
      evidence({ red: { ...evidence().red!, scope: 'full-suite', scopeReason: 'the test command has a build step Mender cannot separate' } }),
    );
    expect(markdown).toContain('the whole suite: the test command has a build step Mender cannot separate — 1.2 s');
  });

  it('stays bounded: at most 20 red tests, the rest counted', () => {
    const failures = Array.from({ length: 45 }, (_, index) => ({
      ...quantityFailure,
      id: `test/many.test.ts::case ${index}`,
      file: 'test/many.test.ts',
      name: `case ${index}`,
      message: 'x'.repeat(2_000),
    }));
    const red = { ...evidence().red!, run: { ...evidence().red!.run!, failures }, newlyFailing: failures.map((failure) => failure.id) };
    const markdown = evidenceMarkdown(evidence({ red }));
    expect(markdown.match(/^ *- ✗ /gm)).toHaveLength(20);
    expect(markdown).toContain('… and 25 more');
    expect(markdown.length).toBeLessThan(9_000);
  });

  it('keeps test names and messages from writing Markdown of their own', () => {
    const hostile = { ...quantityFailure, name: 'a `name` with ![img](http://x/y.png)', message: 'see `code` [link](javascript:alert(1))' };
    const red = { ...evidence().red!, run: { ...evidence().red!.run!, failures: [hostile] }, newlyFailing: [hostile.id] };
    const markdown = evidenceMarkdown(evidence({ red }));
    expect(markdown).toContain("`test/quantity.test.ts › a 'name' with ![img](http://x/y.png)`");
    expect(markdown).toContain("`see 'code' [link](javascript:alert(1))`");
  });
});
