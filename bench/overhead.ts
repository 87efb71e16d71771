/**
 * Overhead benchmark: time from `POST /api/operations` to `awaiting_approval` with a zero-latency
 * scripted model, minus the time of the repository's own test runs. Target: ≤ 2 s.
 * Prints a table and, last, one JSON line; never asserts.
 *
 *   node bin/run-ts.mjs bench/overhead.ts        (BENCH_RUNS changes the count; one warm-up is added)
 *
 * Wall time: from just before the POST until this process receives the `approval.requested`
 * event (the transition to awaiting_approval) on the SSE stream. Test time, per run:
 *  - baseline suite: BaselineEvidence records no duration, so it is the `baseline` step of
 *    `mender_step_duration_seconds` (GET /metrics, read before and after the run);
 *  - the coder's testRunner__test calls: `durationMs` of their `tool.called` events;
 *  - red and green: `evidence.attempts[].red.run.durationMs` and `.green.run.durationMs`.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { roleScript, startScriptedModelServer } from '../test/fakes/scripted-model-server.ts';
import { adminToken, startMenderUnderTest } from '../test/support/mender-under-test.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../test/support/scripted-roles.ts';
import { createTargetRepository, type TargetRepository } from '../test/support/target-repository.ts';
import { watchEvents } from './support/event-watcher.ts';
import { formatMs, median, now, round, table } from './support/figures.ts';
import { parseStepSeconds, stepMillisecondsBetween } from './support/step-metrics.ts';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const targetMs = 2_000;
const description = 'total() ignores quantity: 3 items at 4 cost 4 instead of 12';
const progress = (text: string) => process.stderr.write(`${text}\n`);

/** Timeline steps, each from one event to the next one named. */
const steps = [
  { name: 'POST → operation.created', from: 'post', to: 'operation.created' },
  { name: 'queued → planning.started', from: 'operation.created', to: 'planning.started' },
  { name: 'planning', from: 'planning.started', to: 'plan.created' },
  { name: 'execution pick-up + worktree', from: 'plan.created', to: 'worktree.created' },
  { name: 'baseline', from: 'worktree.created', to: 'baseline.recorded' },
  { name: 'coding', from: 'baseline.recorded', to: 'verification.started' },
  { name: 'verifying', from: 'verification.started', to: 'verification.passed' },
  { name: 'reviewing + commit', from: 'verification.passed', to: 'approval.requested' },
  { name: 'approval.requested → seen on SSE', from: 'approval.requested', to: 'received' },
] as const;
type StepName = (typeof steps)[number]['name'];

interface TimelineEvent {
  type: string;
  at: string;
  data: Record<string, unknown>;
}

interface RunSummary {
  totalMs: number;
  testMs: number;
  overheadMs: number;
  testRuns: number;
  tests: { baselineMs: number; baselineFromTimelineMs: number; coderMs: number; coderRuns: number; redMs: number; greenMs: number };
  stepMs: Record<StepName, number>;
  /** Test time inside each timeline step. */
  stepTestMs: Partial<Record<StepName, number>>;
  modelCalls: number;
  attempts: number;
}

interface RunRecord {
  sum: number;
  count: number;
}

const model = await startScriptedModelServer(roleScript({ planner: plannerReplies, coder: coderReplies(), reviewer: reviewerReplies }));
const mender = await startMenderUnderTest({
  MENDER_MODEL: 'openai-compatible:scripted-model',
  MENDER_MODEL_BASE_URL: model.url,
  MENDER_MODEL_API_KEY: 'model-key-not-secret',
});
const watcher = await watchEvents(mender.url, adminToken);
const targets: TargetRepository[] = [];

const readSteps = async () => parseStepSeconds((await mender.call('GET', '/metrics')).text);

async function measureRun(index: number): Promise<RunSummary> {
  const target = createTargetRepository();
  targets.push(target);
  const repo = `cart${index}`;
  const added = await mender.call('POST', '/api/repos', { name: repo, path: target.path });
  if (added.status !== 201) throw new Error(`registering ${target.path} failed: HTTP ${added.status} ${added.text}`);
  const stepsBefore = await readSteps();
  const requestsBefore = model.requests.length;

  const postedAt = Date.now();
  const started = now();
  const created = await mender.call('POST', '/api/operations', { type: 'fix', description, repo });
  if (created.status !== 201) throw new Error(`POST /api/operations failed: HTTP ${created.status} ${created.text}`);
  const id = String(created.json.id);
  const finished = await watcher.waitFor(
    (event) => event.operationId === id && (event.type === 'approval.requested' || event.type === 'operation.failed'),
    180_000,
    `approval.requested of operation ${id}`,
  );
  const totalMs = now() - started;
  if (finished.type === 'operation.failed') throw new Error(`operation ${id} failed: ${String(finished.data.reason)}\n${mender.logs.join('')}`);

  const stepMsFromMetrics = stepMillisecondsBetween(stepsBefore, await readSteps());
  const operation = (await mender.call('GET', `/api/operations/${id}`)).json;
  if (operation.status !== 'awaiting_approval') throw new Error(`operation ${id} is ${operation.status} after approval.requested`);
  const timeline = operation.timeline as TimelineEvent[];
  const timeOf = (type: string): number => {
    if (type === 'post') return postedAt;
    if (type === 'received') return finished.receivedAt;
    const event = timeline.find((entry) => entry.type === type);
    if (!event) throw new Error(`operation ${id} has no ${type} event; its timeline: ${timeline.map((entry) => entry.type).join(', ')}`);
    return Date.parse(event.at);
  };

  const coderTestCalls = timeline.filter((event) => event.type === 'tool.called' && event.data.tool === 'testRunner__test');
  const attempts = (operation.evidence.attempts ?? []) as { red?: { run?: { durationMs: number } }; green?: { run?: { durationMs: number } } }[];
  const runsOf = (pick: (attempt: (typeof attempts)[number]) => { durationMs: number } | undefined): RunRecord =>
    attempts.reduce<RunRecord>(
      (total, attempt) => {
        const run = pick(attempt);
        return run ? { sum: total.sum + run.durationMs, count: total.count + 1 } : total;
      },
      { sum: 0, count: 0 },
    );
  const red = runsOf((attempt) => attempt.red?.run);
  const green = runsOf((attempt) => attempt.green?.run);
  const coder: RunRecord = { sum: coderTestCalls.reduce((total, event) => total + Number(event.data.durationMs), 0), count: coderTestCalls.length };
  const baselineMs = stepMsFromMetrics.baseline ?? Number.NaN;
  const testMs = baselineMs + coder.sum + red.sum + green.sum;

  const stepMs = Object.fromEntries(steps.map((step) => [step.name, timeOf(step.to) - timeOf(step.from)])) as Record<StepName, number>;
  return {
    totalMs,
    testMs,
    overheadMs: totalMs - testMs,
    testRuns: 1 + coder.count + red.count + green.count,
    tests: { baselineMs, baselineFromTimelineMs: stepMs.baseline, coderMs: coder.sum, coderRuns: coder.count, redMs: red.sum, greenMs: green.sum },
    stepMs,
    stepTestMs: { baseline: baselineMs, coding: coder.sum, verifying: red.sum + green.sum },
    modelCalls: model.requests.length - requestsBefore,
    attempts: attempts.length,
  };
}

/** `npm test` in a target repository, timed directly: what one run of its suite costs outside Mender. */
function timeNpmTest(folder: string, times: number): number[] {
  const durations: number[] = [];
  for (let index = 0; index < times; index += 1) {
    const started = now();
    execFileSync('npm', ['test'], { cwd: folder, stdio: 'ignore', env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true' } });
    durations.push(now() - started);
  }
  return durations;
}

let warmUp: RunSummary | undefined;
const measured: RunSummary[] = [];
try {
  for (let index = 0; index <= runs; index += 1) {
    const result = await measureRun(index);
    if (index === 0) warmUp = result;
    else measured.push(result);
    progress(
      `  ${index === 0 ? 'warm-up' : `run ${index}/${runs}`}: total ${formatMs(result.totalMs)}, tests ${formatMs(result.testMs)} (${result.testRuns} runs), overhead ${formatMs(result.overheadMs)}`,
    );
  }
  const directNpmTest = timeNpmTest(targets[0]!.path, 3);

  const medianOf = (pick: (run: RunSummary) => number) => median(measured.map(pick));
  const totalMedian = medianOf((run) => run.totalMs);
  const testMedian = medianOf((run) => run.testMs);
  // The median of each run's own difference, not the difference of the medians.
  const overheadMedian = medianOf((run) => run.overheadMs);
  const testRuns = measured[0]!.testRuns;

  console.log(`\nPipeline overhead — POST /api/operations → awaiting_approval, scripted model (zero latency), ${runs} runs after 1 warm-up`);
  console.log(
    `target: cart library (vitest through npm test), ${testRuns} test runs per operation; node ${process.version}, ${os.cpus().length} CPUs, 1-min load average at the end ${os.loadavg()[0]!.toFixed(1)}\n`,
  );
  console.log(
    table(
      ['step (timeline)', 'wall', 'its test runs', 'overhead'],
      steps.map((step) => {
        const wall = medianOf((run) => run.stepMs[step.name]);
        const tests = measured.every((run) => run.stepTestMs[step.name] !== undefined) ? medianOf((run) => run.stepTestMs[step.name]!) : 0;
        return [step.name, formatMs(wall), tests ? formatMs(tests) : '', formatMs(medianOf((run) => run.stepMs[step.name] - (run.stepTestMs[step.name] ?? 0)))];
      }),
    ),
  );
  console.log(
    '\n' +
      table(
        ['test runs (medians)', 'time', 'runs'],
        [
          ['baseline suite (metrics: baseline step)', formatMs(medianOf((run) => run.tests.baselineMs)), '1'],
          ['coder testRunner__test (tool.called)', formatMs(medianOf((run) => run.tests.coderMs)), String(measured[0]!.tests.coderRuns)],
          ['red (evidence)', formatMs(medianOf((run) => run.tests.redMs)), '1'],
          ['green (evidence)', formatMs(medianOf((run) => run.tests.greenMs)), '1'],
          ['direct `npm test` in the target, per run', formatMs(median(directNpmTest)), String(directNpmTest.length)],
        ],
      ),
  );
  console.log(
    '\n' +
      table(
        ['figure', 'median', 'min', 'max'],
        [
          [
            'total (POST → awaiting_approval)',
            formatMs(totalMedian),
            formatMs(Math.min(...measured.map((run) => run.totalMs))),
            formatMs(Math.max(...measured.map((run) => run.totalMs))),
          ],
          [
            "repository's own test runs",
            formatMs(testMedian),
            formatMs(Math.min(...measured.map((run) => run.testMs))),
            formatMs(Math.max(...measured.map((run) => run.testMs))),
          ],
          [
            'overhead (total − tests)',
            formatMs(overheadMedian),
            formatMs(Math.min(...measured.map((run) => run.overheadMs))),
            formatMs(Math.max(...measured.map((run) => run.overheadMs))),
          ],
        ],
      ),
  );
  const holds = overheadMedian <= targetMs;
  console.log(
    `\noverhead median ${formatMs(overheadMedian)} (target ≤ ${targetMs} ms: ${holds ? 'holds' : 'MISSED'}); warm-up run: total ${formatMs(warmUp!.totalMs)}, overhead ${formatMs(warmUp!.overheadMs)}`,
  );
  console.log(
    JSON.stringify({
      benchmark: 'overhead',
      runs,
      totalMedianMs: round(totalMedian),
      testMedianMs: round(testMedian),
      overheadMedianMs: round(overheadMedian),
      testRunsPerOperation: testRuns,
      modelCallsPerOperation: measured[0]!.modelCalls,
      tests: {
        baselineMs: round(medianOf((run) => run.tests.baselineMs)),
        coderMs: round(medianOf((run) => run.tests.coderMs)),
        redMs: round(medianOf((run) => run.tests.redMs)),
        greenMs: round(medianOf((run) => run.tests.greenMs)),
        directNpmTestMs: round(median(directNpmTest)),
      },
      stepsMedianMs: Object.fromEntries(steps.map((step) => [step.name, round(medianOf((run) => run.stepMs[step.name]))])),
      warmUp: { totalMs: round(warmUp!.totalMs), overheadMs: round(warmUp!.overheadMs) },
      target: { overheadAtMostMs: targetMs, holds },
    }),
  );
} finally {
  watcher.close();
  await mender.close();
  await model.close();
  for (const target of targets) target.cleanup();
}
