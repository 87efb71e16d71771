import { describe, expect, it } from 'vitest';
import { createOwnerResolver, stepFilesOf } from './test-file-owners.ts';

const baseline = [
  { command: 'mocha test/*.mjs', scripts: ['test'], files: ['test/a.test.mjs', 'test/b.test.mjs'] },
  { command: 'jest', scripts: ['test', 'test:jest'], files: ['packages/ui/__tests__/button.test.js'] },
  { command: 'playwright test', scripts: ['test:e2e'], files: ['e2e/login.spec.ts'] },
];

describe('createOwnerResolver', () => {
  it('gives a file the baseline ran to the steps that ran it, and a new file to the steps of its nearest folder', () => {
    const owners = createOwnerResolver(baseline, ['test/b.test.mjs', 'packages/ui/__tests__/menu.test.js', 'e2e/cart/checkout.spec.ts'])!;
    expect(owners('mocha test/*.mjs', ['test'])).toEqual(['test/b.test.mjs']);
    expect(owners('jest', ['test', 'test:jest'])).toEqual(['packages/ui/__tests__/menu.test.js']);
    expect(owners('playwright test', ['test:e2e'])).toEqual(['e2e/cart/checkout.spec.ts']);
    // The same command reached through another script is another step.
    expect(owners('jest', ['other'])).toEqual([]);
  });

  it('knows nothing without a baseline report', () => {
    expect(createOwnerResolver([], ['test/a.js'])).toBeUndefined();
    expect(createOwnerResolver([{ command: 'x', scripts: [], files: [] }], ['test/a.js'])).toBeUndefined();
  });

  it('reads the files each step ran from a report', () => {
    const report = {
      steps: [
        { command: 'TZ=UTC jest', scripts: ['test'] },
        { command: 'TZ=Asia/Tokyo jest', scripts: ['test'] },
      ],
      tests: [
        { file: 'z.test.js', step: 0 },
        { file: 'z.test.js', step: 0 },
        { file: 'z.test.js', step: 1 },
        { file: '', step: 1 },
      ],
    };
    expect(stepFilesOf(report)).toEqual([
      { command: 'TZ=UTC jest', scripts: ['test'], files: ['z.test.js'] },
      { command: 'TZ=Asia/Tokyo jest', scripts: ['test'], files: ['z.test.js'] },
    ]);
  });
});
