import { describe, expect, it } from 'vitest';
import { buildTestReport, createTestCase } from './build-test-report.ts';
import { MAXIMUM_MESSAGE_LENGTH } from './failure-message.ts';

describe('createTestCase', () => {
  it('joins the name path and builds the id from file and name', () => {
    expect(
      createTestCase({
        file: 'src/a.test.ts',
        namePath: ['math', 'adds'],
        status: 'failed',
        line: 4,
        message: ' boom\n',
      }),
    ).toEqual({
      id: 'src/a.test.ts::math > adds',
      file: 'src/a.test.ts',
      name: 'math > adds',
      status: 'failed',
      line: 4,
      message: 'boom',
    });
  });

  it('drops line and message from tests that did not fail', () => {
    expect(createTestCase({ file: '', namePath: ['x'], status: 'passed', line: 3, message: 'm' })).toEqual({
      id: '::x',
      file: '',
      name: 'x',
      status: 'passed',
    });
  });

  it('caps huge messages', () => {
    const testCase = createTestCase({
      file: 'a',
      namePath: ['x'],
      status: 'failed',
      message: 'y'.repeat(MAXIMUM_MESSAGE_LENGTH * 2),
    });
    expect(testCase.message?.length).toBeLessThan(MAXIMUM_MESSAGE_LENGTH + 50);
  });
});

describe('buildTestReport', () => {
  it('counts by status and lists failures', () => {
    const tests = [
      createTestCase({ file: 'a', namePath: ['one'], status: 'passed' }),
      createTestCase({ file: 'a', namePath: ['two'], status: 'failed', message: 'no' }),
      createTestCase({ file: 'a', namePath: ['three'], status: 'skipped' }),
      createTestCase({ file: 'b', namePath: ['four'], status: 'passed' }),
    ];
    const report = buildTestReport('jest', tests);
    expect(report).toMatchObject({
      runner: 'jest',
      structured: true,
      passed: 2,
      failed: 1,
      skipped: 1,
    });
    expect(report.failures.map((test) => test.id)).toEqual(['a::two']);
  });
});
