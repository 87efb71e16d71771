import { FILE_FAILED, FILE_FAILED_TO_LOAD, buildTestReport, createTestCase } from './build-test-report.ts';
import { findLineInStack, withoutInternalFrames } from './failure-message.ts';
import { isAbsolute, toRepositoryPath } from './repository-path.ts';
import type { TestCaseResult, TestReport, TestStatus } from './types.ts';

/**
 * One finished test of a node:test run (a TAP test point or a `test:pass`/`test:fail` event)
 * with the subtests reported before it.
 */
export interface TestPoint {
  name: string;
  ok: boolean;
  directive?: 'skip' | 'todo';
  /** Scalar details: location (`/abs/file.js:4:1`), error, stack, failureType… */
  details: Record<string, string>;
  /** Output reported just before this test (a failed file's stderr holds its import error). */
  comments: string[];
  subtests: TestPoint[];
  /** True when the run ended before this test was reported (a synthesized parent). */
  unfinished?: boolean;
}

export interface TestPointNesting {
  /** Records a finished test; the tests recorded one level deeper since become its subtests. */
  add(testPoint: TestPoint, nesting: number): void;
  /** The top-level tests; subtests whose parent never finished get a synthesized failed parent. */
  finish(parentName: (nesting: number) => string | undefined): TestPoint[];
}

/** Builds the tree from results reported children first, as node:test reports them. */
export function createTestPointNesting(): TestPointNesting {
  const pending = new Map<number, TestPoint[]>();
  const listAt = (nesting: number): TestPoint[] => {
    let list = pending.get(nesting);
    if (list === undefined) {
      list = [];
      pending.set(nesting, list);
    }
    return list;
  };
  return {
    add(testPoint, nesting) {
      testPoint.subtests = pending.get(nesting + 1) ?? [];
      pending.delete(nesting + 1);
      listAt(nesting).push(testPoint);
    },
    finish(parentName) {
      const deepest = Math.max(0, ...pending.keys());
      for (let nesting = deepest; nesting > 0; nesting -= 1) {
        const orphans = pending.get(nesting);
        if (orphans === undefined || orphans.length === 0) continue;
        pending.delete(nesting);
        listAt(nesting - 1).push({
          name: parentName(nesting - 1) ?? '(unnamed)',
          ok: false,
          details: { error: 'the test did not finish: the report ended before its result' },
          comments: [],
          subtests: orphans,
          unfinished: true,
        });
      }
      return pending.get(0) ?? [];
    },
  };
}

interface Location {
  file: string;
  line?: number;
}

/**
 * Turns node:test's tree of results into a report. Leaf tests are counted; a failed parent
 * counts too when none of its descendants failed (a failing hook, an unfinished suite), so no
 * failure is lost or counted twice. A top-level test named by its file path stands for the file:
 * its name is not part of the names below it, and when it fails alone (an import error) it becomes
 * `(file failed to load)`.
 */
export function testReportFromTestPoints(testPoints: TestPoint[], root: string): TestReport {
  const tests: TestCaseResult[] = [];
  for (const testPoint of testPoints) {
    const location = readLocation(testPoint.details.location);
    if (isFileTest(testPoint, location)) {
      collectFile(testPoint, root, tests);
    } else {
      collect(testPoint, [], location?.file ?? '', root, tests);
    }
  }
  return buildTestReport('node-test', tests);
}

/** Adds the test cases under a test point; returns whether any failure was added. */
function collect(testPoint: TestPoint, ancestors: string[], inheritedFile: string, root: string, tests: TestCaseResult[]): boolean {
  const namePath = [...ancestors, testPoint.name];
  const absoluteFile = readLocation(testPoint.details.location)?.file ?? inheritedFile;
  let failureAdded = false;
  for (const subtest of testPoint.subtests) {
    failureAdded = collect(subtest, namePath, absoluteFile, root, tests) || failureAdded;
  }
  const status = statusOf(testPoint);
  if (testPoint.subtests.length === 0 || (status === 'failed' && !failureAdded)) {
    tests.push(toTestCase(testPoint, namePath, status, absoluteFile, root));
    failureAdded ||= status === 'failed';
  }
  return failureAdded;
}

function collectFile(testPoint: TestPoint, root: string, tests: TestCaseResult[]): void {
  let failureAdded = false;
  for (const subtest of testPoint.subtests) {
    failureAdded = collect(subtest, [], testPoint.name, root, tests) || failureAdded;
  }
  // A file that passes without tests of its own (e.g. a helper matched by the glob) is not a test.
  if (statusOf(testPoint) !== 'failed' || failureAdded) return;
  const name = testPoint.subtests.length === 0 ? FILE_FAILED_TO_LOAD : FILE_FAILED;
  tests.push(toTestCase(testPoint, [name], 'failed', testPoint.name, root));
}

function toTestCase(testPoint: TestPoint, namePath: string[], status: TestStatus, absoluteFile: string, root: string): TestCaseResult {
  const { details } = testPoint;
  const error = details.error ?? details.failureType ?? '';
  const message = [...testPoint.comments, error].filter((part) => part !== '').join('\n');
  return createTestCase({
    file: toRepositoryPath(absoluteFile, root),
    namePath,
    status,
    line: findLineInStack(details.stack ?? '', absoluteFile) ?? readLocation(details.location)?.line,
    message: withoutInternalFrames(message),
  });
}

function statusOf(testPoint: TestPoint): TestStatus {
  if (testPoint.directive !== undefined) return 'skipped';
  return testPoint.ok ? 'passed' : 'failed';
}

/** Node runs each file as a top-level test named by its absolute path when given several files. */
function isFileTest(testPoint: TestPoint, location: Location | undefined): boolean {
  const name = testPoint.name.replace(/\\/g, '/');
  if (!isAbsolute(name)) return false;
  return location === undefined || location.file.replace(/\\/g, '/') === name;
}

/** `'/abs/file.js:4:1'` → file and line. */
function readLocation(location: string | undefined): Location | undefined {
  if (location === undefined || location === '') return undefined;
  const match = /^(.*?):(\d+):(\d+)$/.exec(location);
  if (!match?.[1]) return { file: location };
  return { file: match[1], line: Number(match[2]) };
}
