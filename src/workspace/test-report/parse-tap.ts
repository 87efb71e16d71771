import { stripAnsi } from './failure-message.ts';
import { readTapDocument } from './tap-document.ts';
import { testReportFromTestPoints } from './test-point-tree.ts';
import type { ParseResult, TestReport } from './types.ts';

/**
 * Parses TAP from `node --test --test-reporter=tap` (names of nested tests join with ' > ').
 * Node 20's TAP gives a location only for failed tests, so a passing test's file is known only
 * through a located ancestor, else ''; `node-test-reporter.ts` avoids that for Mender's own runs.
 */
export function parseTap(text: string, root: string): ParseResult<TestReport> {
  const document = readTapDocument(stripAnsi(text));
  if (!document.hasHeader && document.tests.length === 0) {
    return { ok: false, error: 'TAP report: no TAP version line and no test points found' };
  }
  return { ok: true, report: testReportFromTestPoints(document.tests, root) };
}
