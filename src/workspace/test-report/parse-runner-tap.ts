import path from 'node:path';
import { stripAnsi } from './failure-message.ts';
import { readTapDocument } from './tap-document.ts';
import { testReportFromTestPoints, type TestPoint } from './test-point-tree.ts';
import type { ParseResult, TestReport } from './types.ts';

export type TapRunner = 'tape' | 'ava' | 'tap';

/**
 * Parses the TAP that tape, ava (`--tap`) and tap (`--reporter=tap`) print. Their YAML blocks
 * name the place of a failure in `at:` and its text in `message:` (ava) or the test point's name
 * (tape, tap), with `operator`/`expected`/`actual`; they are mapped onto the fields Node's TAP
 * uses. tape prints each test as a `# name` comment followed by its assertions: an assertion is
 * reported as `test name > assertion`, and the counts are assertions, as in tape's summary.
 */
export function parseRunnerTap(runner: TapRunner, text: string, root: string): ParseResult<TestReport> {
  const document = readTapDocument(stripAnsi(text));
  if (!document.hasHeader && document.tests.length === 0) {
    return { ok: false, error: `${runner} TAP report: no TAP version line and no test points found` };
  }
  const tests = document.tests.map((testPoint) => {
    const normalized = normalize(testPoint, runner === 'tape', root);
    // tap runs each file as a top-level subtest named by its path relative to the project.
    const isFile = runner === 'tap' && /\.[cm]?[jt]sx?$/.test(testPoint.name) && !path.isAbsolute(testPoint.name);
    return isFile ? { ...normalized, name: path.resolve(root, testPoint.name) } : normalized;
  });
  return { ok: true, report: { ...testReportFromTestPoints(tests, root), runner } };
}

function normalize(testPoint: TestPoint, nameFromComment: boolean, root: string): TestPoint {
  const details = { ...testPoint.details };
  const at = details.at ?? details['at.file'];
  if (details.location === undefined && at !== undefined) {
    const location = readAt(at, details['at.line']);
    if (location !== undefined) details.location = location;
  }
  // tap 21 names the place as `at: { fileName, lineNumber, columnNumber }`, the file relative to the project.
  const fileName = details['at.fileName'];
  if (details.location === undefined && fileName !== undefined && !fileName.includes('node_modules/')) {
    details.location = `${path.resolve(root, fileName)}:${details['at.lineNumber'] ?? ''}:${details['at.columnNumber'] ?? '1'}`;
  }
  if (!testPoint.ok && details.error === undefined) {
    const comparison =
      details.operator !== undefined && details.expected !== undefined
        ? ` (${details.operator}: expected ${details.expected}, actual ${details.actual ?? ''})`
        : '';
    // tap 21 gives no expected/actual, but a diff of them.
    const diff = details.diff === undefined ? '' : `\n${details.diff}`;
    details.error = `${details.message ?? testPoint.name}${comparison}${diff}`;
  }
  const comment = nameFromComment ? testPoint.comments.at(-1) : undefined;
  return {
    ...testPoint,
    name: comment !== undefined && comment !== '' ? `${comment} > ${testPoint.name}` : testPoint.name,
    comments: nameFromComment ? [] : testPoint.comments,
    details,
    subtests: testPoint.subtests.map((subtest) => normalize(subtest, false, root)),
  };
}

/** `Test.<anonymous> (file:///a/b.js:3:31)` or `file:///a/b.js:3:31` → `/a/b.js:3:31`. */
function readAt(at: string, line: string | undefined): string | undefined {
  // ava points into its own assert.js: a runner's internals are no place in the repository.
  if (at.includes('/node_modules/')) return undefined;
  const match = /\(?((?:file:\/\/)?\/[^():\s]+):(\d+):(\d+)\)?\s*$/.exec(at.trim());
  if (match?.[1] !== undefined) return `${match[1].replace(/^file:\/\//, '')}:${match[2]}:${match[3]}`;
  if (line !== undefined && at.startsWith('file://')) return `${at.replace(/^file:\/\//, '')}:${line}:1`;
  return undefined;
}
