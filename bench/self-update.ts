/**
 * Self-updates under the supervisor: how long a client polling /health every 50 ms waits at most
 * while Mender switches to a new version (target ≤ 1 s), how long the handover takes (the old
 * version lets go of the database, the new one opens it and answers /health), and how long from
 * the request to the new version serving. Prints a table and, last, one JSON line; never asserts.
 *
 *   npm run bench:self-update      (BENCH_SWITCHES, default 4; BENCH_BUILD=true builds each release)
 *
 * A copy of this repository in a temporary folder, two commits that differ in one comment, and
 * switches back and forth between them on the embedded database: the supervisor in this process,
 * each version its own process, as `mender start` runs them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSettings } from '../src/config/load-settings.ts';
import { createLogger } from '../src/logging/logger.ts';
import { Supervisor } from '../src/supervisor/supervisor.ts';
import { copyMenderCheckout } from '../test/support/mender-checkout.ts';
import { freePort } from '../test/support/mender-process.ts';
import { pollHealth } from '../test/support/health-poller.ts';
import { formatMs, median, table } from './support/figures.ts';

const switches = Number(process.env.BENCH_SWITCHES ?? 4);
const build = process.env.BENCH_BUILD === 'true';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-bench-self-'));
const checkout = copyMenderCheckout(path.join(root, 'mender'));
const first = checkout.git('rev-parse', 'HEAD');
const readme = fs.readFileSync(path.join(checkout.folder, 'README.md'), 'utf8');
const second = checkout.commit({ 'README.md': `${readme}\n<!-- another version -->\n` }, 'another version');
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  MENDER_DATA_DIR: path.join(root, 'data'),
  MENDER_PORT: String(await freePort()),
  MENDER_ADMIN_TOKEN: 'bench-self-update-token-0123456789',
  MENDER_SANDBOX: 'off',
  MENDER_LOG_LEVEL: 'warn',
  MENDER_SELF_PROBATION_SECONDS: '1',
  MENDER_SELF_HEALTH_INTERVAL_SECONDS: '0.25',
  MENDER_SELF_BUILD: String(build),
};
const supervisor = new Supervisor({
  settings: loadSettings(env, root).settings,
  checkout: checkout.folder,
  cwd: root,
  env,
  log: createLogger(
    'warn',
    (text) => text,
    () => undefined,
  ),
  write: () => undefined,
});
await supervisor.start();
const rows: {
  drainMs: number;
  backupMs: number;
  takeOverMs: number;
  handoverMs: number;
  requestToServingMs: number;
  prepareMs: number;
  gapMs: number;
  slow: number;
  refused: number;
}[] = [];
try {
  for (let index = 0; index < switches; index += 1) {
    const commit = index % 2 === 0 ? first : second;
    const poller = pollHealth(supervisor.url, 50);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await supervisor.requestUpdate({ commit, operationId: null, requestedBy: 'bench' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const seen = await poller.stop();
    const update = supervisor.current().current ?? supervisor.current().history[0]!;
    rows.push({
      handoverMs: update.timings.handoverMs ?? NaN,
      drainMs: update.timings.drainMs ?? NaN,
      backupMs: update.timings.backupMs ?? NaN,
      takeOverMs: update.timings.takeOverMs ?? NaN,
      requestToServingMs: update.timings.requestToServingMs ?? NaN,
      prepareMs: update.timings.prepareMs ?? NaN,
      gapMs: seen.longestGapMs,
      slow: seen.slow,
      refused: seen.refused,
    });
    // Blessed before the next switch: a version on trial refuses another update.
    while (supervisor.current().current) await new Promise((resolve) => setTimeout(resolve, 100));
  }
} finally {
  await supervisor.stop();
  fs.rmSync(root, { recursive: true, force: true });
}

console.log(
  table(
    ['switch', 'longest gap', 'handover', 'drain', 'backup', 'take over', 'request → serving', 'prepare', 'slow answers', 'refused'],
    rows.map((row, index) => [
      String(index + 1),
      formatMs(row.gapMs),
      formatMs(row.handoverMs),
      formatMs(row.drainMs),
      formatMs(row.backupMs),
      formatMs(row.takeOverMs),
      formatMs(row.requestToServingMs),
      formatMs(row.prepareMs),
      String(row.slow),
      String(row.refused),
    ]),
  ),
);
const summary = {
  bench: 'self-update',
  switches,
  build,
  medianGapMs: median(rows.map((row) => row.gapMs)),
  worstGapMs: Math.max(...rows.map((row) => row.gapMs)),
  medianHandoverMs: median(rows.map((row) => row.handoverMs)),
  medianRequestToServingMs: median(rows.map((row) => row.requestToServingMs)),
  refused: rows.reduce((sum, row) => sum + row.refused, 0),
  targetGapMs: 1000,
};
console.log(JSON.stringify(summary));
