import { parseJasmineJson } from './parse-jasmine-json.ts';
import { parseJestJson } from './parse-jest-json.ts';
import { parseMochaJson } from './parse-mocha-json.ts';
import { parseNodeTestEvents } from './parse-node-test-events.ts';
import { parsePlaywrightJson } from './parse-playwright-json.ts';
import { parseRunnerTap } from './parse-runner-tap.ts';
import { parseTap } from './parse-tap.ts';
import { parseUvuOutput } from './parse-uvu-output.ts';
import type { ParseResult, TestReport, TestRunner } from './types.ts';

/** Reads the report a runner wrote, with that runner's parser; undefined for an unknown runner. */
export function parseRunnerReport(runner: TestRunner, text: string, root: string): ParseResult<TestReport> | undefined {
  switch (runner) {
    case 'vitest':
    case 'jest':
      return parseJestJson(text, root, runner);
    case 'mocha':
      return parseMochaJson(text, root);
    case 'node-test':
      // Mender's own reporter writes JSON lines; a project may also hand over Node's TAP.
      return text.trimStart().startsWith('{') ? parseNodeTestEvents(text, root) : parseTap(text, root);
    case 'tape':
    case 'ava':
    case 'tap':
      return parseRunnerTap(runner, text, root);
    case 'playwright':
      return parsePlaywrightJson(text, root);
    case 'jasmine':
      return parseJasmineJson(text, root);
    case 'uvu':
      return parseUvuOutput(text, root);
    case 'unknown':
      return undefined;
  }
}
