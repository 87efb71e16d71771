export type TestStatus = 'passed' | 'failed' | 'skipped';

export type TestRunner = 'vitest' | 'jest' | 'mocha' | 'node-test' | 'tape' | 'ava' | 'tap' | 'playwright' | 'jasmine' | 'uvu' | 'unknown';

export interface TestCaseResult {
  /** Stable identity: `${file}::${name}`, file relative to the repository root (posix), '' when unknown. */
  id: string;
  file: string;
  /** Full name path, suite titles and test title joined by ' > '. */
  name: string;
  status: TestStatus;
  line?: number;
  message?: string;
  /** Index into the report's `steps`: which runner invocation of the chain ran it. */
  step?: number;
}

export interface TestReport {
  runner: TestRunner;
  /** True when the counts come from a machine-readable report rather than the exit code alone. */
  structured: boolean;
  passed: number;
  failed: number;
  skipped: number;
  tests: TestCaseResult[];
  /** Only failed ones carry message/line. */
  failures: TestCaseResult[];
  /**
   * Each runner invocation of the test command (through scripts, hooks and chains) and what was
   * read from it. Absent on reports made before commands were expanded into steps.
   */
  steps?: TestStepResult[];
}

/** What Mender read from one step of a test command. */
export interface TestStepResult {
  /** The simple command as the repository wrote it. */
  command: string;
  /** Scripts followed to reach it, outermost first. */
  scripts: string[];
  runner: TestRunner;
  /** False when this step's result is only its part in the exit code. */
  structured: boolean;
  passed: number;
  failed: number;
  skipped: number;
  /** Why this step was read from the exit code. */
  fallbackReason?: string;
}

export interface Diagnostic {
  file: string;
  line?: number;
  column?: number;
  code?: string;
  message: string;
  severity: 'error' | 'warning';
}

export type CheckTool = 'tsc' | 'eslint' | 'unknown';

export interface CheckReport {
  tool: CheckTool;
  structured: boolean;
  errors: number;
  warnings: number;
  diagnostics: Diagnostic[];
}

/** What every parser returns: parsers never throw on garbage input. */
export type ParseResult<Report> = { ok: true; report: Report } | { ok: false; error: string };
