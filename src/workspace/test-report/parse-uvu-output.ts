import { createTestCase } from './build-test-report.ts';
import { stripAnsi, withoutInternalFrames } from './failure-message.ts';
import { toRepositoryPath } from './repository-path.ts';
import type { ParseResult, TestCaseResult, TestReport } from './types.ts';

/** Name of a failure uvu counted but printed no FAIL block for (a `before` hook that threw). */
export const UNNAMED_UVU_FAILURE = '(failed without a FAIL block)';

/**
 * Parses the console output of uvu 0.5 (its CLI or `node file.js`); uvu has no reporter option
 * and no machine-readable format. What its output gives:
 * - the summary `Total: N` (tests that ran), `Passed: M`, `Skipped: K`: failed is N − M;
 * - one block per failure, `FAIL  suite  "test"` then the message, a diff and the stack;
 * - under the CLI, each file's name (relative to the folder given) as a header line.
 * Passing tests are only dots, so only failures are listed by name. A failure's file and line
 * come from the first stack frame inside the repository, else from the file header.
 */
export function parseUvuOutput(text: string, root: string): ParseResult<TestReport> {
  const lines = stripAnsi(text).replace(/\r\n?/g, '\n').split('\n');
  const total = readCount(lines, 'Total');
  const passed = readCount(lines, 'Passed');
  if (total === undefined || passed === undefined) {
    return { ok: false, error: 'uvu output: no "Total:" and "Passed:" summary lines (uvu stopped before its summary)' };
  }
  const skipped = readCount(lines, 'Skipped') ?? 0;
  const failures = readFailures(lines, root);
  const failed = Math.max(total - passed, failures.length);
  for (let index = failures.length; index < failed; index += 1) {
    failures.push(createTestCase({ file: '', namePath: [`${UNNAMED_UVU_FAILURE} ${index - failures.length + 1}`], status: 'failed' }));
  }
  return { ok: true, report: { runner: 'uvu', structured: true, passed, failed, skipped, tests: failures, failures } };
}

function readCount(lines: string[], label: string): number | undefined {
  // The last summary counts: output a test printed could contain the same words.
  const pattern = new RegExp(`^\\s{2}${label}:\\s+(\\d+)\\s*$`);
  const match = lines
    .map((line) => pattern.exec(line))
    .filter((found) => found !== null)
    .at(-1);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** `  FAIL  math  "divides"` (a named suite) or `  FAIL  "divides"` (uvu's default `test`). */
const FAIL_HEADER = /^\s+FAIL\s+(?:(.+?)\s+)?"(.*)"\s*$/;
const SUMMARY_LINE = /^\s{2}(Total|Passed|Skipped|Duration):/;

function readFailures(lines: string[], root: string): TestCaseResult[] {
  const failures: TestCaseResult[] = [];
  let fileHeader = '';
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    // File headers and progress lines are the only lines uvu does not indent.
    if (/^\S/.test(line) && !/[✘•]|\(\d+ \/ \d+\)\s*$/.test(line)) fileHeader = line.trim();
    const header = FAIL_HEADER.exec(line);
    if (header === null) continue;
    const body: string[] = [];
    while (index + 1 < lines.length) {
      const next = lines[index + 1] ?? '';
      if (FAIL_HEADER.test(next) || SUMMARY_LINE.test(next) || /^\S/.test(next)) break;
      body.push(next);
      index += 1;
    }
    // Frames are dropped while still indented: that is how a stack line is told from a message.
    const message = withoutInternalFrames(body.join('\n'))
      .split('\n')
      .map((bodyLine) => bodyLine.replace(/^ {4}/, '').trimEnd())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
    const place = findPlace(message, root);
    const namePath = header[1] === undefined ? [header[2] ?? ''] : [header[1], header[2] ?? ''];
    failures.push(createTestCase({ file: place?.file ?? fileHeader, namePath, status: 'failed', line: place?.line, message }));
  }
  return failures;
}

/** The first `at … (file:///root/…:line:column)` frame inside the repository, not in node_modules. */
function findPlace(message: string, root: string): { file: string; line: number } | undefined {
  for (const match of message.matchAll(/\(?((?:file:\/\/)?\/[^():\s]+):(\d+):\d+\)?\s*$/gm)) {
    const file = toRepositoryPath(match[1] ?? '', root);
    if (file.startsWith('/') || file.includes('node_modules/')) continue;
    return { file, line: Number(match[2]) };
  }
  return undefined;
}
