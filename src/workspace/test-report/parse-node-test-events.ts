import { z } from 'zod';
import { stripAnsi } from './failure-message.ts';
import { isAbsolute } from './repository-path.ts';
import { createTestPointNesting, testReportFromTestPoints, type TestPoint } from './test-point-tree.ts';
import type { ParseResult, TestReport } from './types.ts';

const resultEventSchema = z.object({
  type: z.enum(['test:pass', 'test:fail']),
  name: z.string(),
  nesting: z.number().int().min(0),
  file: z.string().nullish(),
  line: z.number().nullish(),
  column: z.number().nullish(),
  skip: z.boolean().nullish(),
  todo: z.boolean().nullish(),
  failureType: z.string().nullish(),
  error: z.string().nullish(),
  stack: z.string().nullish(),
});

const stderrEventSchema = z.object({
  type: z.literal('test:stderr'),
  file: z.string().nullish(),
  message: z.string(),
});

const eventSchema = z.union([resultEventSchema, stderrEventSchema]);

/**
 * Parses the JSON lines written by Mender's node:test reporter (`node-test-reporter.ts`).
 * Lines that are not valid events (e.g. the last line of a killed run) are skipped.
 */
export function parseNodeTestEvents(text: string, root: string): ParseResult<TestReport> {
  const nesting = createTestPointNesting();
  const stderrByFile = new Map<string, string[]>();
  let events = 0;
  for (const line of text.split('\n')) {
    const event = readEvent(line);
    if (event === undefined) continue;
    events += 1;
    if (event.type === 'test:stderr') {
      const file = event.file ?? '';
      stderrByFile.set(file, [...(stderrByFile.get(file) ?? []), stripAnsi(event.message)]);
      continue;
    }
    const testPoint: TestPoint = {
      name: event.name,
      ok: event.type === 'test:pass',
      details: details(event),
      comments: [],
      subtests: [],
    };
    if (event.skip === true) testPoint.directive = 'skip';
    else if (event.todo === true) testPoint.directive = 'todo';
    // A file that failed on its own (e.g. an import error) explains itself only on stderr.
    if (event.file && event.name === event.file && isAbsolute(event.file.replace(/\\/g, '/'))) {
      testPoint.comments = [(stderrByFile.get(event.file) ?? []).join('').trimEnd()];
    }
    nesting.add(testPoint, event.nesting);
  }
  if (events === 0) {
    return {
      ok: false,
      error: `node:test event report: ${text.trim() === '' ? 'the report is empty' : 'no events found'}`,
    };
  }
  return {
    ok: true,
    report: testReportFromTestPoints(
      nesting.finish(() => undefined),
      root,
    ),
  };
}

function readEvent(line: string): z.infer<typeof eventSchema> | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const parsed = eventSchema.safeParse(JSON.parse(trimmed));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function details(event: z.infer<typeof resultEventSchema>): Record<string, string> {
  const result: Record<string, string> = {};
  if (event.file) {
    result.location = `${event.file}:${event.line ?? 1}:${event.column ?? 1}`;
  }
  if (event.type === 'test:fail') {
    if (event.error) result.error = stripAnsi(event.error);
    if (event.stack) result.stack = event.stack;
    if (event.failureType) result.failureType = event.failureType;
  }
  return result;
}
