/**
 * Operation page benchmark: time to first content of the dashboard's operation page when its
 * timeline holds BENCH_TOOL_CALLS tool calls (default 500), against an ordinary operation's page
 * (about ten entries) measured in the same run, on the same Mender and the same Chromium.
 * Prints a table and, last, one JSON line; never asserts.
 *
 *   npm run bench:operation-page        (BENCH_RUNS, default 7, changes the page loads per operation)
 *
 * Both operations are real: a scripted zero-latency model drives the cart repository to approval,
 * the long one reading a file BENCH_TOOL_CALLS times (50 calls per model turn) before its fix.
 * Each load is a fresh tab on the warm browser (the bundle is cached after a warm-up load), and
 * the page itself times, from its navigation start:
 *  - first paint with content (the browser's first-contentful-paint: the signed-in shell),
 *  - the operation shown (its section is in the document, the API answered and React rendered),
 *  - the timeline complete (every entry the API returned is a list item).
 */
import { roleScript, type ScriptHandler, type ScriptedReply } from '../test/fakes/scripted-model-server.ts';
import { countAssistantTurns } from '../test/fakes/conversation-inspection.ts';
import { startCartPipeline } from '../test/support/cart-pipeline.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../test/support/scripted-roles.ts';
import { browserAvailability, launchTestBrowser } from '../test/support/browser.ts';
import { ensureWebBuild } from '../scripts/web-build.ts';
import { median, round, table } from './support/figures.ts';

const toolCalls = Number(process.env.BENCH_TOOL_CALLS ?? 500);
const runs = Number(process.env.BENCH_RUNS ?? 7);
const callsPerTurn = 50;
const password = 'bench operation page password';
const progress = (text: string) => process.stderr.write(`${text}\n`);

interface PageTiming {
  firstContentfulPaint: number;
  operationShown: number;
  timelineComplete: number;
  entries: number;
}

// Runs in the page before its scripts: records when the operation and its whole timeline appear.
// A string, not a function: the TypeScript loader's helpers (`__name`) do not exist in the page.
const pageTimer = (expectedEntries: number) => `
  const marks = (window.benchMarks = {});
  const check = () => {
    if (marks.operationShown === undefined && document.querySelector('.operation-detail')) marks.operationShown = performance.now();
    const entries = document.querySelectorAll('[data-testid="timeline"] > li').length;
    if (marks.timelineComplete === undefined && entries >= ${expectedEntries}) marks.timelineComplete = performance.now();
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
`;

async function main(): Promise<void> {
  const availability = browserAvailability();
  if (!availability.available) throw new Error(availability.notice);
  await ensureWebBuild();
  const longReplies: ScriptedReply[] = [
    ...Array.from({ length: Math.ceil(toolCalls / callsPerTurn) }, (_, turn) => ({
      toolCalls: Array.from({ length: Math.min(callsPerTurn, toolCalls - turn * callsPerTurn) }, () => ({
        name: 'filesystem__readFile',
        arguments: { path: 'src/cart.ts' },
      })),
    })),
    ...coderReplies(),
  ];
  const shortReplies = coderReplies();
  const coder: ScriptHandler = (request) =>
    (JSON.stringify(request.body).includes('long timeline') ? longReplies : shortReplies)[countAssistantTurns(request.body)] ?? { text: 'done' };
  progress('starting Mender with the scripted model…');
  const pipeline = await startCartPipeline(roleScript({ planner: plannerReplies, coder, reviewer: reviewerReplies }), {
    MENDER_LOG_LEVEL: 'warn',
    MENDER_MAX_ATTEMPTS: '1',
    // The long conversation resends its 500 reads each turn: more tokens than an operation may spend by default.
    MENDER_MAX_TOKENS_PER_OPERATION: '100000000',
    // …and more file reads in a minute than the coder's rate limit lets through.
    MENDER_FILE_OPERATIONS_PER_MINUTE: '100000',
  });
  const browser = await launchTestBrowser({ width: 1440, height: 900 });
  try {
    const created = await pipeline.mender.call('POST', '/api/users', { name: 'bench', role: 'admin', password });
    if (created.status !== 201) throw new Error(`creating the bench user answered ${created.status}: ${created.text}`);
    const start = async (description: string) => {
      const response = await pipeline.mender.call('POST', '/api/operations', { type: 'fix', repo: 'cart', description });
      if (response.status !== 201) throw new Error(`starting an operation answered ${response.status}: ${response.text}`);
      return (response.json as { id: string }).id;
    };
    const short = await start('Cart total ignores quantity');
    const long = await start('Cart total ignores quantity (a long timeline)');
    progress(`waiting for operations ${short} and ${long} to reach approval…`);
    for (const id of [short, long]) {
      const reached = await pipeline.mender.waitForStatus(id, ['awaiting_approval', 'failed'], 600_000);
      if (reached.status !== 'awaiting_approval') throw new Error(`operation ${id} ended ${reached.status}: ${reached.failureReason}`);
    }

    const origin = `http://127.0.0.1:${pipeline.mender.port}`;
    const { page, context } = browser;
    await page.goto(`${origin}/`);
    await page.getByLabel('Name').fill('bench');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-user').waitFor();

    const load = async (id: string): Promise<PageTiming> => {
      // The entries the page shows by default: model calls are behind a checkbox.
      const detail = await pipeline.mender.call('GET', `/api/operations/${id}`);
      const timeline = (detail.json as { timeline: { type: string }[] }).timeline;
      const expected = timeline.filter((event) => event.type !== 'model.called').length;
      const tab = await context.newPage();
      await tab.addInitScript(pageTimer(expected));
      await tab.goto(`${origin}/operations/${id}`);
      await tab.waitForFunction(() => (window as unknown as { benchMarks: Record<string, number> }).benchMarks.timelineComplete !== undefined, undefined, {
        timeout: 120_000,
      });
      const marks: Record<string, number> = await tab.evaluate(() => ({
        ...(window as unknown as { benchMarks: Record<string, number> }).benchMarks,
        firstContentfulPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
      }));
      await tab.close();
      return {
        firstContentfulPaint: marks.firstContentfulPaint ?? Number.NaN,
        operationShown: marks.operationShown!,
        timelineComplete: marks.timelineComplete!,
        entries: expected,
      };
    };

    await load(short); // warm-up: the bundle into the cache, the server's first queries
    const measure = async (id: string) => {
      const timings: PageTiming[] = [];
      for (let run = 0; run < runs; run += 1) timings.push(await load(id));
      return {
        entries: timings[0]!.entries,
        firstContentfulPaintMs: round(median(timings.map((timing) => timing.firstContentfulPaint))),
        operationShownMs: round(median(timings.map((timing) => timing.operationShown))),
        timelineCompleteMs: round(median(timings.map((timing) => timing.timelineComplete))),
      };
    };
    progress(`loading each operation page ${runs} times…`);
    const baseline = await measure(short);
    const heavy = await measure(long);
    const ratio = (value: number, base: number) => `${(value / base).toFixed(2)}×`;
    console.log(
      table(
        ['operation page', 'timeline entries', 'first paint', 'operation shown', 'timeline complete'],
        [
          [
            'ordinary (baseline)',
            String(baseline.entries),
            `${baseline.firstContentfulPaintMs} ms`,
            `${baseline.operationShownMs} ms`,
            `${baseline.timelineCompleteMs} ms`,
          ],
          ['long timeline', String(heavy.entries), `${heavy.firstContentfulPaintMs} ms`, `${heavy.operationShownMs} ms`, `${heavy.timelineCompleteMs} ms`],
          [
            'ratio',
            '',
            ratio(heavy.firstContentfulPaintMs, baseline.firstContentfulPaintMs),
            ratio(heavy.operationShownMs, baseline.operationShownMs),
            ratio(heavy.timelineCompleteMs, baseline.timelineCompleteMs),
          ],
        ],
      ),
    );
    console.log(`medians of ${runs} loads each, in a fresh tab of a warm Chromium; times from navigation start`);
    console.log(JSON.stringify({ bench: 'operation-page', runs, toolCalls, baseline, long: heavy }));
  } finally {
    await browser.close();
    await pipeline.mender.close();
    await pipeline.model.close();
    pipeline.target.cleanup();
  }
}

await main();
