/**
 * Workspace benchmark: median time until a worktree is ready to run tests, on a repository with
 * installed node_modules, against `git clone` + `npm ci` of the same repository in the same run.
 * Target: ≤ 1 s and ≥ 20× faster. Prints a table and, last, one JSON line; never asserts.
 *
 *   node bin/run-ts.mjs bench/workspace.ts        (BENCH_RUNS, BENCH_BASELINE_RUNS change the counts)
 *
 * The headline figure on each side is one contiguous span: from the call (WorktreeManager.create,
 * or git clone) until every devDependency resolves in the folder. Heavier readiness checks
 * (vitest starting, npx) are timed right after and shown as setup + that check, because their
 * fixed cost is the same on both sides and decides whether the ratio target holds.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorktreeManager } from '../src/workspace/worktree-manager.ts';
import { formatMs, median, now, round, table } from './support/figures.ts';
import { benchDevDependencies, createNpmTargetRepository, run } from './support/npm-target-repository.ts';
import { checkReady, type ReadinessCheck } from './support/readiness-check.ts';

const menderRuns = Number(process.env.BENCH_RUNS ?? 7);
const baselineRuns = Number(process.env.BENCH_BASELINE_RUNS ?? 5);
const targetMs = 1_000;
const targetRatio = 20;
const packageNames = Object.keys(benchDevDependencies);
const checks: readonly ReadinessCheck[] = ['resolve', 'vitest', 'npx'];
const progress = (text: string) => process.stderr.write(`${text}\n`);

interface Run {
  /** WorktreeManager.create, or git clone + npm ci. */
  setupMs: number;
  /** Setup until the resolve check passed: the headline span. */
  readyMs: number;
  checkMs: Record<ReadinessCheck, number>;
  /** Baseline only. */
  cloneMs?: number;
  installMs?: number;
  /** Mender only: whether node_modules in the worktree is a link to the checkout's. */
  linked?: boolean;
}

/** Runs the checks one after another in the folder; the first ends the headline span. */
function timeChecks(folder: string, env: NodeJS.ProcessEnv): Record<ReadinessCheck, number> {
  const times = {} as Record<ReadinessCheck, number>;
  for (const check of checks) {
    const started = now();
    checkReady(check, folder, packageNames, env);
    times[check] = now() - started;
  }
  return times;
}

const folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-bench-workspace-')));
try {
  progress(`setting up a target repository with ${packageNames.join(', ')} (real npm install) in ${folder}`);
  const target = createNpmTargetRepository(folder);
  progress(`  npm install took ${formatMs(target.installMs)}`);
  const worktrees = new WorktreeManager(path.join(folder, 'worktrees'));

  const menderRun = async (index: number): Promise<Run> => {
    const operationId = `bench${index}`;
    const branch = `bench/run-${index}`;
    const started = now();
    const worktree = await worktrees.create({ repoPath: target.path, operationId, branch, startPoint: 'main', resetBranch: true });
    const setupMs = now() - started;
    const checkMs = timeChecks(worktree, target.env);
    const linked = fs.lstatSync(path.join(worktree, 'node_modules')).isSymbolicLink();
    await worktrees.remove(target.path, operationId);
    run('git', ['branch', '-D', branch], target.path, target.env);
    return { setupMs, readyMs: setupMs + checkMs.resolve, checkMs, linked };
  };

  const baselineRun = (index: number): Run => {
    const clone = path.join(folder, `clone-${index}`);
    const started = now();
    run('git', ['clone', '-q', target.path, clone], folder, target.env);
    const cloned = now();
    run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], clone, target.env);
    const installed = now();
    const checkMs = timeChecks(clone, target.env);
    fs.rmSync(clone, { recursive: true, force: true });
    return { setupMs: installed - started, readyMs: installed - started + checkMs.resolve, checkMs, cloneMs: cloned - started, installMs: installed - cloned };
  };

  // One warm-up (not counted) for the first git, node and npx start-ups; the setup install warmed npm's cache.
  await menderRun(0);
  const mender: Run[] = [];
  for (let index = 1; index <= menderRuns; index += 1) {
    const result = await menderRun(index);
    mender.push(result);
    progress(
      `  mender run ${index}/${menderRuns}: ready in ${formatMs(result.readyMs)} (worktree ${formatMs(result.setupMs)}, resolve ${formatMs(result.checkMs.resolve)}, vitest ${formatMs(result.checkMs.vitest)}, npx ${formatMs(result.checkMs.npx)})`,
    );
  }
  const baseline: Run[] = [];
  for (let index = 1; index <= baselineRuns; index += 1) {
    const result = baselineRun(index);
    baseline.push(result);
    progress(
      `  clone + npm ci run ${index}/${baselineRuns}: ready in ${formatMs(result.readyMs)} (clone ${formatMs(result.cloneMs!)}, npm ci ${formatMs(result.installMs!)})`,
    );
  }

  const medianOf = (runs: Run[], pick: (entry: Run) => number) => median(runs.map(pick));
  const menderMedian = medianOf(mender, (entry) => entry.readyMs);
  const baselineMedian = medianOf(baseline, (entry) => entry.readyMs);
  const ratio = baselineMedian / menderMedian;
  const composite = (check: ReadinessCheck) => {
    const menderMs = medianOf(mender, (entry) => entry.setupMs + entry.checkMs[check]);
    const baselineMs = medianOf(baseline, (entry) => entry.setupMs + entry.checkMs[check]);
    return { menderMs, baselineMs, ratio: baselineMs / menderMs };
  };
  const bySetupOnly = { menderMs: medianOf(mender, (entry) => entry.setupMs), baselineMs: medianOf(baseline, (entry) => entry.setupMs) };
  const allLinked = mender.every((entry) => entry.linked);
  const vitestVersion = checkReady('vitest', target.path, packageNames, target.env);
  const npmVersion = execFileSync('npm', ['--version'], { encoding: 'utf8', env: target.env }).trim();

  const row = (name: string, values: number[]) => [
    name,
    formatMs(median(values)),
    formatMs(Math.min(...values)),
    formatMs(Math.max(...values)),
    String(values.length),
  ];
  console.log(
    `\nWorkspace readiness — repository with devDependencies ${packageNames.join(', ')} (${fs.readdirSync(path.join(target.path, 'node_modules')).length} entries in node_modules)`,
  );
  console.log(
    `${vitestVersion}, npm ${npmVersion}, ${os.cpus().length} CPUs, 1-min load average at the end ${os.loadavg()[0]!.toFixed(1)}; ready = every devDependency resolves from the folder\n`,
  );
  console.log(
    table(
      ['step', 'median', 'min', 'max', 'runs'],
      [
        row(
          'mender: WorktreeManager.create',
          mender.map((entry) => entry.setupMs),
        ),
        row(
          'mender: resolve check',
          mender.map((entry) => entry.checkMs.resolve),
        ),
        row(
          'mender: call → ready',
          mender.map((entry) => entry.readyMs),
        ),
        row(
          'baseline: git clone',
          baseline.map((entry) => entry.cloneMs!),
        ),
        row(
          'baseline: npm ci --prefer-offline',
          baseline.map((entry) => entry.installMs!),
        ),
        row(
          'baseline: resolve check',
          baseline.map((entry) => entry.checkMs.resolve),
        ),
        row(
          'baseline: clone → ready',
          baseline.map((entry) => entry.readyMs),
        ),
      ],
    ),
  );
  const fastEnough = menderMedian <= targetMs;
  const ratioHolds = ratio >= targetRatio;
  console.log(`\nmender median ${formatMs(menderMedian)} (target ≤ ${targetMs} ms: ${fastEnough ? 'holds' : 'MISSED'})`);
  console.log(`clone + npm ci median ${formatMs(baselineMedian)}; ${ratio.toFixed(1)}× faster (target ≥ ${targetRatio}×: ${ratioHolds ? 'holds' : 'MISSED'})`);

  console.log('\nthe same comparison with other readiness checks (setup + check, medians):\n');
  const sensitivity = Object.fromEntries(checks.map((check) => [check, composite(check)]));
  const describeCheck: Record<ReadinessCheck, string> = {
    resolve: 'devDependencies resolve',
    vitest: 'node_modules/.bin/vitest --version',
    npx: 'npx --no-install vitest --version',
  };
  console.log(
    table(
      ['readiness check', 'mender', 'baseline', 'ratio', '≤ 1 s', '≥ 20×'],
      [
        [
          'none (setup only)',
          formatMs(bySetupOnly.menderMs),
          formatMs(bySetupOnly.baselineMs),
          `${(bySetupOnly.baselineMs / bySetupOnly.menderMs).toFixed(1)}×`,
          bySetupOnly.menderMs <= targetMs ? 'yes' : 'no',
          bySetupOnly.baselineMs / bySetupOnly.menderMs >= targetRatio ? 'yes' : 'no',
        ],
        ...checks.map((check) => {
          const figures = sensitivity[check]!;
          return [
            describeCheck[check],
            formatMs(figures.menderMs),
            formatMs(figures.baselineMs),
            `${figures.ratio.toFixed(1)}×`,
            figures.menderMs <= targetMs ? 'yes' : 'no',
            figures.ratio >= targetRatio ? 'yes' : 'no',
          ];
        }),
      ],
    ),
  );
  if (!allLinked) console.log('\nWARNING: some worktrees did not get node_modules linked (lockfile hash differed?)');
  console.log(
    JSON.stringify({
      benchmark: 'workspace',
      readinessCheck: 'resolve',
      menderRuns,
      baselineRuns,
      menderMedianMs: round(menderMedian),
      baselineMedianMs: round(baselineMedian),
      ratio: round(ratio),
      menderCreateMedianMs: round(bySetupOnly.menderMs),
      baselineCloneMedianMs: round(medianOf(baseline, (entry) => entry.cloneMs!)),
      baselineInstallMedianMs: round(medianOf(baseline, (entry) => entry.installMs!)),
      byCheck: Object.fromEntries(
        [['none', { ...bySetupOnly, ratio: bySetupOnly.baselineMs / bySetupOnly.menderMs }] as const, ...Object.entries(sensitivity)].map(
          ([check, figures]) => [check, { menderMs: round(figures.menderMs), baselineMs: round(figures.baselineMs), ratio: round(figures.ratio) }],
        ),
      ),
      nodeModulesLinked: allLinked,
      targets: { medianAtMostMs: targetMs, medianHolds: fastEnough, ratioAtLeast: targetRatio, ratioHolds },
    }),
  );
} finally {
  fs.rmSync(folder, { recursive: true, force: true });
}
