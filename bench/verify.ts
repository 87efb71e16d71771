/**
 * Verify benchmark: the time from the coder's finish to the verdict (red, green and the checks,
 * as `verifyChange` runs them after each attempt), as a multiple of one full suite run measured in
 * the same run, on three suite shapes with suites of 20–60 s. Target: ≤ 2.5×. Beside it, the
 * same verification with red on the whole suite (as before red ran the new tests alone).
 * Prints a table and, last, one JSON line; never asserts.
 *
 *   node bin/run-ts.mjs bench/verify.ts      (BENCH_SLOW_FILES, BENCH_SLOW_MS size the suites;
 *                                            BENCH_SANDBOX=off runs without bubblewrap)
 *
 * The suites' slow tests only wait (setTimeout), so the figures measure how often and how much
 * of the suite runs, not how busy the machine is.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { collectBaseline, verifyChange, type AttemptEvidence } from '../src/pipeline/verify-change.ts';
import { createCheckRunner, type CheckRunner } from '../src/workspace/check-runner.ts';
import { detectSandbox } from '../src/workspace/sandbox.ts';
import { jestChain, tapeBehindNpmRun, tapWithBuild, type ShapeFixture, type SuiteSize } from '../test/support/real-shape-fixtures.ts';
import { formatMs, now, round, table } from './support/figures.ts';

const targetRatio = 2.5;
const progress = (text: string) => process.stderr.write(`${text}\n`);
const slowFiles = process.env.BENCH_SLOW_FILES ? Number(process.env.BENCH_SLOW_FILES) : undefined;
const slowMs = process.env.BENCH_SLOW_MS ? Number(process.env.BENCH_SLOW_MS) : undefined;

/** Sizes that give each shape a suite of 20–60 s here: tap runs two files at a time, tape one, jest runs twice (two TZ). */
const shapes: { make: (size: SuiteSize) => ShapeFixture; size: Required<SuiteSize> }[] = [
  { make: tapWithBuild, size: { slowFiles: 24, slowMs: 2_000 } },
  { make: tapeBehindNpmRun, size: { slowFiles: 25, slowMs: 1_000 } },
  { make: jestChain, size: { slowFiles: 10, slowMs: 2_500 } },
];

interface Figures {
  shape: string;
  fullSuiteMs: number;
  verifyMs: number;
  ratio: number;
  redMs: number;
  redScope: string;
  verdict: string;
  wholeSuiteRedVerifyMs: number;
  wholeSuiteRedRatio: number;
}

const ratio = (value: number, of: number) => Math.round((value / of) * 100) / 100;

/** The same runner with red forced onto the whole suite: the verification as it was before. */
function wholeSuiteRed(checks: CheckRunner): CheckRunner {
  return { ...checks, runChangedTests: async () => ({ ok: false, reason: 'bench: red on the whole suite' }) };
}

async function verifyOnce(
  fixture: ShapeFixture,
  checks: CheckRunner,
  baseline: Awaited<ReturnType<typeof collectBaseline>>,
): Promise<{ ms: number; evidence: AttemptEvidence }> {
  const baseCommit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: fixture.folder, encoding: 'utf8' }).trim();
  // What the coder left: the new test and the fix, uncommitted in the worktree.
  fs.writeFileSync(path.join(fixture.folder, fixture.newTest.path), fixture.newTest.content);
  fs.writeFileSync(path.join(fixture.folder, fixture.fix.path), fixture.fix.content);
  try {
    const started = now();
    const evidence = await verifyChange({
      root: fixture.folder,
      baseCommit,
      operationType: 'fix',
      attempt: 1,
      commands: { test: 'npm test' },
      checks,
      baseline,
      testEditsAfterSource: [],
      signal: new AbortController().signal,
    });
    return { ms: now() - started, evidence };
  } finally {
    execFileSync('git', ['checkout', '-q', '--', '.'], { cwd: fixture.folder });
    fs.rmSync(path.join(fixture.folder, fixture.newTest.path), { force: true });
  }
}

async function measure(shape: (typeof shapes)[number], checks: CheckRunner): Promise<Figures> {
  const fixture = shape.make({ slowFiles: slowFiles ?? shape.size.slowFiles, slowMs: slowMs ?? shape.size.slowMs });
  try {
    progress(`${fixture.shape}: full suite…`);
    const baseline = await collectBaseline(fixture.folder, { test: 'npm test' }, checks, new AbortController().signal);
    if (baseline.exitCode !== 0) throw new Error(`${fixture.shape}: the unchanged suite fails (exit ${baseline.exitCode}):\n${baseline.outputTail}`);
    progress(`${fixture.shape}: full suite ${formatMs(baseline.durationMs)}; verifying…`);
    const focused = await verifyOnce(fixture, checks, baseline);
    progress(`${fixture.shape}: verified in ${formatMs(focused.ms)} (${focused.evidence.reason}); with red on the whole suite…`);
    const whole = await verifyOnce(fixture, wholeSuiteRed(checks), baseline);
    return {
      shape: fixture.shape,
      fullSuiteMs: baseline.durationMs,
      verifyMs: round(focused.ms),
      ratio: ratio(focused.ms, baseline.durationMs),
      redMs: focused.evidence.red.run?.durationMs ?? 0,
      redScope: focused.evidence.red.scope ?? 'none',
      verdict: focused.evidence.verified ? 'verified' : `not verified: ${focused.evidence.reason}`,
      wholeSuiteRedVerifyMs: round(whole.ms),
      wholeSuiteRedRatio: ratio(whole.ms, baseline.durationMs),
    };
  } finally {
    fixture.cleanup();
  }
}

const sandbox = process.env.BENCH_SANDBOX === 'off' ? 'off' : (await detectSandbox()).available ? 'bubblewrap' : 'off';
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-bench-verify-'));
try {
  const checks = createCheckRunner({ timeoutMs: 600_000, outputLimitBytes: 4_000_000, scratchDir: scratch, sandbox: { mode: sandbox } });
  const results: Figures[] = [];
  for (const shape of shapes) results.push(await measure(shape, checks));
  console.log(`sandbox: ${sandbox}; target: verification ≤ ${targetRatio}× one full suite run`);
  console.log(
    table(
      ['shape', 'full suite', 'red (scope)', 'coder finish → verdict', '× suite', 'red on whole suite', '× suite', 'verdict'],
      results.map((result) => [
        result.shape,
        formatMs(result.fullSuiteMs),
        `${formatMs(result.redMs)} (${result.redScope})`,
        formatMs(result.verifyMs),
        `${result.ratio.toFixed(2)}×`,
        formatMs(result.wholeSuiteRedVerifyMs),
        `${result.wholeSuiteRedRatio.toFixed(2)}×`,
        result.verdict,
      ]),
    ),
  );
  const worst = Math.max(...results.map((result) => result.ratio));
  console.log(`worst: ${worst.toFixed(2)}× (${worst <= targetRatio ? 'meets' : 'misses'} the ${targetRatio}× target)`);
  console.log(JSON.stringify({ bench: 'verify', sandbox, targetRatio, worstRatio: worst, results }));
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
