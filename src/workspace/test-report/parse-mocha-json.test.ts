import { describe, expect, it } from 'vitest';
import { parseMochaJson } from './parse-mocha-json.ts';

// Shape of mocha's JSON reporter (lib/reporters/json.js): clean() keeps title, fullTitle, file,
// duration, currentRetry, speed and err (the error's own properties, {} when it passed).
const passing = {
  title: 'adds',
  fullTitle: 'Calculator adds',
  file: '/repo/test/calculator.spec.js',
  duration: 1,
  currentRetry: 0,
  speed: 'fast',
  err: {},
};
const failing = {
  title: 'divides by zero',
  fullTitle: 'Calculator edge cases divides by zero',
  file: '/repo/test/calculator.spec.js',
  duration: 2,
  currentRetry: 0,
  speed: 'fast',
  err: {
    stack:
      'AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n\nInfinity !== 0\n\n    at Context.<anonymous> (test/calculator.spec.js:14:12)\n    at Context.<anonymous> (/repo/test/calculator.spec.js:14:12)\n    at process.processImmediate (node:internal/timers:478:21)',
    message: 'Expected values to be strictly equal:\n\nInfinity !== 0\n',
    generatedMessage: true,
    name: 'AssertionError',
    code: 'ERR_ASSERTION',
    actual: 'Infinity',
    expected: '0',
    operator: 'strictEqual',
  },
};
const skipped = {
  title: 'rounds',
  fullTitle: 'Calculator rounds',
  file: '/repo/test/calculator.spec.js',
  currentRetry: 0,
  err: {},
};
const failedHook = {
  title: '"before all" hook for "connects"',
  fullTitle: 'Database "before all" hook for "connects"',
  file: '/repo/test/database.spec.js',
  duration: 3,
  currentRetry: 0,
  err: {
    stack: 'Error: connection refused\n    at Context.<anonymous> (/repo/test/database.spec.js:5:11)',
    message: 'connection refused',
  },
};
const topLevel = {
  title: 'works without a suite',
  fullTitle: 'works without a suite',
  file: '/repo/test/plain.spec.js',
  duration: 0,
  currentRetry: 0,
  err: {},
};

const mochaReport = {
  stats: {
    suites: 3,
    tests: 4,
    passes: 2,
    pending: 1,
    failures: 2,
    start: '2024-05-01T10:00:00.000Z',
    end: '2024-05-01T10:00:01.000Z',
    duration: 1000,
  },
  tests: [passing, failing, skipped, topLevel],
  pending: [skipped],
  failures: [failing, failedHook],
  passes: [passing, topLevel],
};

describe('parseMochaJson', () => {
  const result = parseMochaJson(JSON.stringify(mochaReport, null, 2), '/repo');

  it('parses tests with stable ids and statuses, keeping failed hooks', () => {
    if (!result.ok) throw new Error(result.error);
    expect(result.report.tests.map((test) => [test.id, test.status])).toEqual([
      ['test/calculator.spec.js::Calculator > adds', 'passed'],
      ['test/calculator.spec.js::Calculator edge cases > divides by zero', 'failed'],
      ['test/calculator.spec.js::Calculator > rounds', 'skipped'],
      ['test/plain.spec.js::works without a suite', 'passed'],
      ['test/database.spec.js::Database > "before all" hook for "connects"', 'failed'],
    ]);
    expect(result.report).toMatchObject({
      runner: 'mocha',
      structured: true,
      passed: 2,
      failed: 2,
      skipped: 1,
    });
  });

  it('gives failures their line and message without Node internals', () => {
    if (!result.ok) throw new Error(result.error);
    const [assertion, hook] = result.report.failures;
    expect(assertion?.line).toBe(14);
    expect(assertion?.message).toContain('Infinity !== 0');
    expect(assertion?.message).not.toContain('node:internal');
    expect(hook?.line).toBe(5);
    expect(hook?.message).toContain('connection refused');
  });

  it('finds the line when the stack only names the file relative to where mocha ran, as mocha 11 prints it', () => {
    const relativeOnly = {
      ...failing,
      err: {
        ...failing.err,
        stack:
          'AssertionError [ERR_ASSERTION]: Infinity !== 0\n    at Context.<anonymous> (test/calculator.spec.js:14:12)\n    at process.processImmediate (node:internal/timers:478:21)',
      },
    };
    const parsed = parseMochaJson(JSON.stringify({ ...mochaReport, tests: [relativeOnly], failures: [relativeOnly], passes: [], pending: [] }), '/repo');
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.report.failures[0]?.line).toBe(14);
  });

  it('returns errors instead of throwing on other shapes', () => {
    for (const text of ['', '{', '{"stats":{}}', '{"tests":[{"title":1}]}', '42']) {
      const parsed = parseMochaJson(text, '/repo');
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error).toMatch(/^mocha JSON report: /);
    }
  });
});
