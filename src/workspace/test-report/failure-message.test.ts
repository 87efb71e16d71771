import { describe, expect, it } from 'vitest';
import { MAXIMUM_MESSAGE_LENGTH, findLineInStack, stripAnsi, truncateMessage, withoutInternalFrames } from './failure-message.ts';

const stack = [
  'AssertionError: expected 1 to be 3',
  '    at helper (/repo/src/helper.ts:3:9)',
  '    at /repo/src/math.test.ts:6:21',
  '    at file:///repo/node_modules/@vitest/runner/dist/index.js:146:14',
  '    at new Promise (<anonymous>)',
  '    at Test.run (node:internal/test_runner/test:796:25)',
  '    at async Promise.all (index 0)',
].join('\n');

describe('findLineInStack', () => {
  it('finds the first frame in the given file, not in other files', () => {
    expect(findLineInStack(stack, '/repo/src/math.test.ts')).toBe(6);
    expect(findLineInStack(stack, '/repo/src/helper.ts')).toBe(3);
  });

  it('understands file URLs and does not match a longer file name', () => {
    expect(findLineInStack('at x (file:///repo/a.test.js:12:3)', '/repo/a.test.js')).toBe(12);
    expect(findLineInStack('at /repo/a.test.jsx:4:1', '/repo/a.test.js')).toBeUndefined();
    expect(findLineInStack('at /other/repo/a.test.js:9:1', '/repo/a.test.js')).toBeUndefined();
    expect(findLineInStack(stack, '')).toBeUndefined();
  });
});

describe('withoutInternalFrames', () => {
  it('keeps the message and user frames and drops runner and Node internals', () => {
    expect(withoutInternalFrames(stack)).toBe(
      [
        'AssertionError: expected 1 to be 3',
        '    at helper (/repo/src/helper.ts:3:9)',
        '    at /repo/src/math.test.ts:6:21',
        '    at async Promise.all (index 0)',
      ].join('\n'),
    );
  });
});

describe('truncateMessage', () => {
  it('leaves short messages alone and cuts long ones', () => {
    expect(truncateMessage('short')).toBe('short');
    const long = 'x'.repeat(MAXIMUM_MESSAGE_LENGTH + 100);
    const cut = truncateMessage(long);
    expect(cut.startsWith('x'.repeat(MAXIMUM_MESSAGE_LENGTH))).toBe(true);
    expect(cut.endsWith('… (truncated)')).toBe(true);
    expect(cut.length).toBeLessThan(long.length);
  });
});

describe('stripAnsi', () => {
  it('removes colour codes only', () => {
    expect(stripAnsi('\u001b[31mexpected\u001b[39m 1 \u001b[2mto be\u001b[22m 3')).toBe('expected 1 to be 3');
  });
});
