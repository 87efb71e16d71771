import { describe, expect, it } from 'vitest';
import { NODE_TEST_REPORTER_URL, nodeTestReporterOptions } from './node-test-reporter.ts';

describe('nodeTestReporterOptions', () => {
  it('pairs the spec reporter with stdout and the event reporter with the report file', () => {
    expect(nodeTestReporterOptions('/tmp/report.jsonl')).toBe(
      `--test-reporter=spec --test-reporter-destination=stdout --test-reporter=${NODE_TEST_REPORTER_URL} --test-reporter-destination=/tmp/report.jsonl`,
    );
  });

  it('quotes a report path with spaces or quotes the way NODE_OPTIONS reads it', () => {
    expect(nodeTestReporterOptions('/tmp/my "runs"/r.jsonl')).toContain('--test-reporter-destination="/tmp/my \\"runs\\"/r.jsonl"');
  });

  it('carries the reporter without spaces so NODE_OPTIONS keeps it one option', () => {
    expect(NODE_TEST_REPORTER_URL).toMatch(/^data:text\/javascript;base64,[A-Za-z0-9+/=]+$/);
  });
});
