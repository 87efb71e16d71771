import fs from 'node:fs';
import path from 'node:path';
import { runGit } from '../workspace/git.ts';
import type { CheckRun, CheckRunner, TestRun } from '../workspace/check-runner.ts';
import type { RepoCommands } from '../workspace/detect-commands.ts';
import type { TestReport, TestStepResult } from '../workspace/test-report/types.ts';
import { stepFilesOf, type StepFiles } from '../workspace/test-report/test-file-owners.ts';
import { changedFiles, type ChangedFile } from './change-files.ts';
import { findTestTampering } from './test-tampering.ts';

/** The suite before any change, kept once per operation. */
export interface BaselineEvidence {
  command: string;
  exitCode: number | null;
  passed: number;
  failed: number;
  failingIds: string[];
  structured: boolean;
  durationMs: number;
  checks: Record<string, { exitCode: number | null; errors: number }>;
  /** Which test files each step of the chain ran: red gives a changed file only to its runner. */
  stepFiles?: StepFiles[];
  /** The end of the suite's output, kept to explain a failing baseline. */
  outputTail?: string;
  timedOut?: boolean;
}

/** One failing test as evidence shows it: enough to name it, place it and say why. */
export interface FailureSummary {
  id: string;
  file?: string;
  name?: string;
  line?: number;
  message?: string;
  /** Index into the run's `steps`. */
  step?: number;
}

export interface RunSummary {
  command: string;
  exitCode: number | null;
  passed: number;
  failed: number;
  failures: FailureSummary[];
  durationMs: number;
  artifact?: string;
  /** Each runner invocation of the command's chain and what was read from it. */
  steps?: TestStepResult[];
  /** The end of the run's output (where the runner prints its failures), for a person to read why. */
  outputTail?: string;
}

export interface AttemptEvidence {
  attempt: number;
  verified: boolean;
  reason: string;
  changedFiles: ChangedFile[];
  /** The new or changed tests against the old source: they must fail. */
  red: {
    status: 'confirmed' | 'missing' | 'not_failing' | 'skipped';
    run?: RunSummary;
    newlyFailing: string[];
    /**
     * What red ran: the runners directly on the added or changed test files (after the build
     * step), or the whole test command when that could not be done (`scopeReason` says why).
     */
    scope?: 'changed-tests' | 'full-suite';
    scopeReason?: string;
    /** One full run of the suite (the baseline's), beside which red's own time is reported. */
    fullSuiteMs?: number;
  };
  /** The whole suite against the change: the red tests pass, nothing fails that passed before. */
  green: {
    status: 'passed' | 'failed';
    run?: RunSummary;
    stillFailing: string[];
    newFailures: string[];
    /** Failing before any change, passing now. */
    fixed?: string[];
    /** Failing before any change and still failing: not counted as new failures. */
    failingBefore?: string[];
  };
  checks: Record<string, { status: 'passed' | 'failed' | 'unchanged'; exitCode: number | null; errors: number; command: string }>;
  flags: string[];
}

export interface VerifyOptions {
  root: string;
  baseCommit: string;
  operationType: string;
  attempt: number;
  commands: RepoCommands;
  checks: CheckRunner;
  baseline: BaselineEvidence;
  /** Test files the coder wrote after its first source change (edits after red). */
  testEditsAfterSource: string[];
  signal: AbortSignal;
  /** Hides secrets in the output excerpts the evidence keeps; without it, no excerpt is kept. */
  redact?: (text: string) => string;
}

/** How much of a run's output evidence keeps: enough for the failures a runner prints last. */
const outputExcerptCharacters = 3_000;

const failingIds = (report: TestReport) => report.failures.map((failure) => failure.id);

/** A run as evidence keeps it; with `redact`, the end of its output too (redacted: evidence is stored as it is). */
export function summarizeRun(run: TestRun, redact?: (text: string) => string): RunSummary {
  return {
    command: run.command,
    exitCode: run.exitCode,
    passed: run.report.passed,
    failed: run.report.failed,
    failures: run.report.failures.slice(0, 50).map((failure) => ({
      id: failure.id,
      file: failure.file || undefined,
      name: failure.name,
      line: failure.line,
      message: failure.message?.slice(0, 500),
      step: failure.step,
    })),
    durationMs: run.durationMs,
    artifact: run.artifact,
    steps: run.report.steps,
    outputTail: redact && run.outputTail ? redact(run.outputTail.slice(-outputExcerptCharacters)) : undefined,
  };
}

/** Runs the suite and the configured checks on the untouched worktree. */
export async function collectBaseline(root: string, commands: RepoCommands, checks: CheckRunner, signal: AbortSignal): Promise<BaselineEvidence> {
  const run = await checks.runTests(root, commands, signal);
  const baselineChecks: BaselineEvidence['checks'] = {};
  for (const kind of ['typecheck', 'lint'] as const) {
    const check = await checks.runCheck(kind, root, commands, signal);
    if (check) baselineChecks[kind] = { exitCode: check.exitCode, errors: check.report.errors };
  }
  if (!run) return { command: '', exitCode: null, passed: 0, failed: 0, failingIds: [], structured: false, durationMs: 0, checks: baselineChecks };
  return {
    command: run.command,
    exitCode: run.exitCode,
    passed: run.report.passed,
    failed: run.report.failed,
    failingIds: failingIds(run.report),
    structured: run.report.structured,
    durationMs: run.durationMs,
    checks: baselineChecks,
    stepFiles: stepFilesOf(run.report),
    outputTail: run.outputTail,
    timedOut: run.timedOut,
  };
}

/**
 * Decides red → green from test runs, not from the model's word: the changed tests are run
 * against the old source (red), then the whole suite against the change (green), then the
 * typecheck and lint where configured.
 */
export async function verifyChange(options: VerifyOptions): Promise<AttemptEvidence> {
  const { root, baseCommit, baseline, checks, commands, signal } = options;
  const files = await changedFiles(root, baseCommit);
  const evidence: AttemptEvidence = {
    attempt: options.attempt,
    verified: false,
    reason: '',
    changedFiles: files,
    red: { status: 'skipped', newlyFailing: [] },
    green: { status: 'failed', stillFailing: [], newFailures: [] },
    checks: {},
    flags: [],
  };
  if (files.length === 0) {
    evidence.reason = 'no file was changed';
    return evidence;
  }
  if (!commands.test) {
    evidence.reason = 'the repository has no test command: configure one (commands.test) so a change can be verified';
    return evidence;
  }
  if (!baseline.structured && baseline.exitCode !== 0) {
    // Without one test result from before the change, neither red nor green can be told.
    evidence.reason = `the test command fails before any change without a test report (${baseline.command}, exit ${baseline.exitCode ?? 'none'}): fix the test setup or configure commands.test`;
    return evidence;
  }
  evidence.flags.push(...(await findTestTampering(root, baseCommit, files, (file) => fs.readFileSync(path.join(root, file), 'utf8'))));
  for (const file of options.testEditsAfterSource) evidence.flags.push(`test file edited after the source change: ${file}`);

  const tests = files.filter((file) => file.isTest && file.status !== 'deleted');
  const sources = files.filter((file) => !file.isTest);
  const baselineFailing = new Set(baseline.failingIds);

  // Red: the new tests against the old source.
  if (tests.length === 0) {
    evidence.red.status = 'missing';
    if (options.operationType === 'implement') evidence.flags.push('no failing test first: the change adds or changes no test');
  } else {
    Object.assign(
      evidence.red,
      await runRed(
        options,
        tests.map((file) => file.path),
        files.map((file) => file.path),
        sources,
        baselineFailing,
      ),
    );
  }

  // Green: everything against the change.
  // In a workspace, the packages the change affects (and their dependents); elsewhere the whole suite.
  const greenRun = await checks.runTests(root, commands, signal, { changedPaths: files.map((file) => file.path) });
  if (greenRun) {
    evidence.green.run = summarizeRun(greenRun, options.redact);
    const nowFailing = new Set(failingIds(greenRun.report));
    evidence.green.newFailures = [...nowFailing].filter((id) => !baselineFailing.has(id));
    evidence.green.stillFailing = evidence.red.newlyFailing.filter((id) => nowFailing.has(id));
    evidence.green.fixed = baseline.failingIds.filter(
      (id) => !nowFailing.has(id) && greenRun.report.tests.some((test) => test.id === id && test.status === 'passed'),
    );
    evidence.green.failingBefore = baseline.failingIds.filter((id) => nowFailing.has(id));
    const unstructuredFailure = !greenRun.report.structured && greenRun.exitCode !== 0;
    evidence.green.status =
      evidence.green.newFailures.length === 0 && evidence.green.stillFailing.length === 0 && !unstructuredFailure && !greenRun.timedOut ? 'passed' : 'failed';
  }

  for (const kind of ['typecheck', 'lint'] as const) {
    const check: CheckRun | undefined = await checks.runCheck(kind, root, commands, signal);
    if (!check) continue;
    const before = baseline.checks[kind];
    const passed = check.exitCode === 0;
    const noWorse = before !== undefined && before.exitCode !== 0 && check.report.errors <= before.errors;
    evidence.checks[kind] = {
      status: passed ? 'passed' : noWorse ? 'unchanged' : 'failed',
      exitCode: check.exitCode,
      errors: check.report.errors,
      command: check.command,
    };
  }

  if (evidence.red.status === 'not_failing' && options.operationType === 'implement')
    evidence.flags.push('no failing test first: the new tests already pass against the old code');
  evidence.reason = explain(evidence, options.operationType);
  evidence.verified = evidence.reason === '';
  if (evidence.verified) evidence.reason = 'red confirmed, green passed';
  return evidence;
}

/**
 * Red: the new tests against the old source. First the runners directly on the changed test
 * files (after the build steps), which must name those tests failing; when that cannot be planned
 * or its report names no test of those files, the whole test command, with the reason kept.
 */
async function runRed(
  options: VerifyOptions,
  testFiles: string[],
  changedPaths: string[],
  sources: ChangedFile[],
  baselineFailing: Set<string>,
): Promise<Partial<AttemptEvidence['red']>> {
  const { root, baseCommit, baseline, checks, commands, signal } = options;
  const fullSuiteMs = baseline.durationMs;
  const focused = await withSourcesAtBase(root, baseCommit, sources, () => checks.runChangedTests(root, commands, testFiles, signal, baseline.stepFiles));
  let scopeReason: string;
  if (focused.ok) {
    const inChangedFiles = (file: string) => testFiles.includes(file);
    const reported = focused.run.report.tests.filter((test) => inChangedFiles(test.file));
    const failing = focused.run.report.failures.filter((test) => inChangedFiles(test.file)).map((test) => test.id);
    if (reported.length > 0 && !focused.run.timedOut) {
      // Only tests of the changed files count: a coverage threshold or a runner's complaint about
      // the narrowed file list is not the bug being reproduced.
      return {
        run: summarizeRun(focused.run, options.redact),
        newlyFailing: [...new Set(failing)].filter((id) => !baselineFailing.has(id)),
        status: failing.length > 0 ? 'confirmed' : 'not_failing',
        scope: 'changed-tests',
        fullSuiteMs,
      };
    }
    scopeReason = focused.run.timedOut
      ? 'the new tests alone timed out'
      : `run directly (\`${focused.run.command}\`), the runners reported no test of ${testFiles.join(', ')}`;
  } else {
    scopeReason = focused.reason;
  }
  const redRun = await withSourcesAtBase(root, baseCommit, sources, () => checks.runTests(root, commands, signal, { changedPaths }));
  if (!redRun) return { scope: 'full-suite', scopeReason, fullSuiteMs };
  const newlyFailing = failingIds(redRun.report).filter((id) => !baselineFailing.has(id));
  const failedWithoutStructure = !redRun.report.structured && redRun.exitCode !== 0 && baseline.exitCode === 0;
  return {
    run: summarizeRun(redRun, options.redact),
    newlyFailing,
    status: newlyFailing.length > 0 || failedWithoutStructure ? 'confirmed' : 'not_failing',
    scope: 'full-suite',
    scopeReason,
    fullSuiteMs,
  };
}

function explain(evidence: AttemptEvidence, type: string): string {
  const reasons: string[] = [];
  if (evidence.red.status === 'missing' && (type === 'fix' || type === 'debug'))
    reasons.push('no test reproduces the problem: add or change a test that fails without the fix');
  // A refactor's tests characterise what already works; an implement's should fail first (flagged above).
  if (evidence.red.status === 'not_failing' && (type === 'fix' || type === 'debug'))
    reasons.push('the new or changed tests pass against the old code, so they do not reproduce the problem: make the test fail for the reason in the task');
  if (evidence.green.stillFailing.length) reasons.push(`the new tests still fail with the change: ${evidence.green.stillFailing.slice(0, 5).join(', ')}`);
  const regressions = evidence.green.newFailures.filter((id) => !evidence.green.stillFailing.includes(id));
  if (regressions.length) reasons.push(`tests that passed before now fail: ${regressions.slice(0, 5).join(', ')}`);
  if (evidence.green.status === 'failed' && reasons.length === 0) reasons.push(`the test command failed (exit ${evidence.green.run?.exitCode ?? 'none'})`);
  for (const [kind, check] of Object.entries(evidence.checks)) {
    if (check.status === 'failed') reasons.push(`${kind} fails with ${check.errors} error(s) (${check.command})`);
  }
  return reasons.join('; ');
}

/** Runs `action` with the changed source files put back as they were at the base commit, then restores them. */
async function withSourcesAtBase<Result>(root: string, baseCommit: string, sources: ChangedFile[], action: () => Promise<Result>): Promise<Result> {
  const saved = new Map<string, Buffer | null>();
  for (const file of sources) {
    const absolute = path.join(root, file.path);
    saved.set(file.path, fs.existsSync(absolute) ? fs.readFileSync(absolute) : null);
    if (file.status === 'added') {
      fs.rmSync(absolute, { force: true });
    } else {
      await runGit(root, ['restore', `--source=${baseCommit}`, '--worktree', '--', file.path]);
    }
  }
  try {
    return await action();
  } finally {
    for (const [file, content] of saved) {
      const absolute = path.join(root, file);
      if (content === null) fs.rmSync(absolute, { force: true });
      else {
        fs.mkdirSync(path.dirname(absolute), { recursive: true });
        fs.writeFileSync(absolute, content);
      }
    }
  }
}
