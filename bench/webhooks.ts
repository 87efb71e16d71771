/**
 * Webhook acknowledgement latency: signed Sentry, Jira and Slack requests at a fixed rate
 * (default 500 per second for 10 s) against a real Mender started as its own process
 * (`node bin/mender.mjs start`, embedded database), from this process over loopback HTTP.
 * Target: p99 ≤ 100 ms, and every acknowledged delivery stored (nothing lost).
 * Baseline, same run: GET /health at the same rate (the HTTP stack without webhook work).
 * Prints a table and, last, one JSON line; never asserts.
 *
 *   npm run bench:webhooks            (BENCH_RATE, BENCH_SECONDS change the load;
 *                                     BENCH_DATABASE=postgres runs Mender on a PostgreSQL server;
 *                                     BENCH_PROFILE=<folder> writes Mender's CPU profile there)
 *
 * Open loop: requests are sent on schedule whether or not earlier ones were answered, so a slow
 * server shows up as latency rather than as a lower rate. Latency is from just before fetch() to
 * the response's end. Processing (the queue behind the inbox) runs during the load, as in
 * production: Sentry alerts for an unmapped project and unlabelled Jira issues are processed to an
 * "ignored" outcome; Slack `/agent list` posts its answer to a fake Slack API on loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signedSlackRequest, slashCommandForm, startFakeSlackApi } from '../test/fakes/fake-slack-api.ts';
import { jiraIssueEvent, signedJiraRequest } from '../test/fakes/fake-jira-api.ts';
import { formatMs, now, p99BySecond, percentile, round, table } from './support/figures.ts';
import { menderLauncher, profileEnvironment } from './support/profile.ts';
import { prepareMenderRuntime } from './support/compiled-mender.ts';
import { startPostgresServer } from '../test/support/postgres-server.ts';

const rate = Number(process.env.BENCH_RATE ?? 500);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const baselineSeconds = 3;
const targetP99Ms = 100;
const secrets = { slack: 'bench-slack-signing-secret', jira: 'bench-jira-secret', sentry: 'bench-sentry-secret' };
const botToken = 'xoxb-bench';
const adminToken = 'bench-admin-token-0123456789';
const progress = (text: string) => process.stderr.write(`${text}\n`);

interface Request {
  route: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

function sentryAlert(index: number): Request {
  const body = JSON.stringify({
    action: 'triggered',
    data: {
      event: {
        event_id: crypto.randomUUID().replaceAll('-', ''),
        issue_id: String(index),
        title: `TypeError: boom ${index}`,
        url: 'https://sentry.io/api/0/projects/acme/not-mapped/events/1/',
        exception: {
          values: [
            { type: 'TypeError', value: `boom ${index}`, stacktrace: { frames: [{ filename: 'src/cart.ts', function: 'total', lineno: 3, in_app: true }] } },
          ],
        },
      },
    },
  });
  const headers = {
    'content-type': 'application/json',
    'request-id': crypto.randomUUID(),
    'sentry-hook-resource': 'event_alert',
    'sentry-hook-timestamp': String(Math.floor(Date.now() / 1000)),
    'sentry-hook-signature': crypto.createHmac('sha256', secrets.sentry).update(body).digest('hex'),
  };
  return { route: '/webhooks/sentry', method: 'POST', headers, body };
}

function jiraIssue(index: number): Request {
  const signed = signedJiraRequest(secrets.jira, jiraIssueEvent(`SHOP-${index}`, ['frontend']));
  return { route: '/webhooks/jira', method: 'POST', ...signed };
}

function slackCommand(index: number): Request {
  const signed = signedSlackRequest(secrets.slack, slashCommandForm('/agent', 'list', `U${String(index).padStart(8, '0')}`));
  return { route: '/webhooks/slack/commands', method: 'POST', ...signed };
}

const makers = [sentryAlert, jiraIssue, slackCommand];

async function startMenderProcess(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(menderLauncher, ['start'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`mender exited with ${code}: ${stderr.slice(-2000)}`)));
  });
  return { url, child };
}

/** Sends `makeRequest(i)` at `rate` per second for `duration` seconds; returns each latency and status. */
async function load(baseUrl: string, requestsPerSecond: number, duration: number, makeRequest: (index: number) => Request) {
  const total = Math.round(requestsPerSecond * duration);
  const latencies: number[] = [];
  const sentTimes: number[] = [];
  const statuses = new Map<number, number>();
  let duplicates = 0;
  let failures = 0;
  const pending: Promise<void>[] = [];
  // Requests are built (and signed) before the clock starts, so signing does not eat into the schedule.
  const requests = Array.from({ length: total }, (_, index) => makeRequest(index));
  const start = now();
  for (let index = 0; index < total; index += 1) {
    const due = start + (index * 1000) / requestsPerSecond;
    const wait = due - now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const request = requests[index]!;
    const sentAt = now();
    pending.push(
      fetch(`${baseUrl}${request.route}`, { method: request.method, headers: request.headers, body: request.body })
        .then(async (response) => {
          const text = await response.text();
          latencies.push(now() - sentAt);
          sentTimes.push(sentAt - start);
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (text.includes('"duplicate":true')) duplicates += 1;
        })
        .catch(() => {
          failures += 1;
        }),
    );
  }
  const sentIn = (now() - start) / 1000;
  await Promise.all(pending);
  return { total, latencies, sentTimes, statuses, duplicates, failures, achievedRate: total / sentIn };
}

async function deliveryCounts(baseUrl: string): Promise<Record<string, number>> {
  // A pooled connection the server has just closed fails once: ask again.
  for (let attempt = 1; ; attempt += 1) {
    try {
      const response = await fetch(`${baseUrl}/api/integrations/deliveries?limit=1`, { headers: { authorization: `Bearer ${adminToken}` } });
      return ((await response.json()) as { counts: Record<string, number> }).counts;
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** Waits (up to `limitMs`) until no delivery is queued, processing or retrying; returns the last counts. */
async function drainProcessing(baseUrl: string, limitMs: number): Promise<Record<string, number>> {
  const started = now();
  let counts = await deliveryCounts(baseUrl);
  while ((counts.queued ?? 0) + (counts.processing ?? 0) + (counts.retrying ?? 0) > 0 && now() - started < limitMs) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    counts = await deliveryCounts(baseUrl);
  }
  return counts;
}

const runtime = prepareMenderRuntime();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-bench-webhooks-'));
const slack = await startFakeSlackApi({ token: botToken });
const postgres = process.env.BENCH_DATABASE === 'postgres' ? await startPostgresServer() : undefined;
if (process.env.BENCH_DATABASE === 'postgres' && !postgres) throw new Error('BENCH_DATABASE=postgres, but PostgreSQL is not installed');
progress(`starting mender (data in ${dataDir})…`);
const { url, child } = await startMenderProcess({
  ...runtime.env,
  ...profileEnvironment(),
  MENDER_DATA_DIR: dataDir,
  MENDER_PORT: '0',
  MENDER_ADMIN_TOKEN: adminToken,
  MENDER_LOG_LEVEL: 'warn',
  MENDER_SANDBOX: 'off',
  MENDER_SLACK_BOT_TOKEN: botToken,
  MENDER_SLACK_SIGNING_SECRET: secrets.slack,
  MENDER_SLACK_API_URL: slack.url,
  MENDER_JIRA_WEBHOOK_SECRET: secrets.jira,
  MENDER_SENTRY_CLIENT_SECRET: secrets.sentry,
  ...(postgres ? { DATABASE_URL: postgres.url } : {}),
});
try {
  progress(`warm-up and baseline: GET /health at ${rate}/s for ${baselineSeconds} s…`);
  // One second at the full rate, not measured: the client's connection pool and the server's code
  // paths start cold, and a cold client alone shows a few hundred ms in its first second.
  await load(url, rate, 1, (index) => makers[index % makers.length]!(index + 1_000_000));
  // The warm-up's deliveries are processed before the baseline starts, so their first-time costs
  // (compiling code paths, first calls to the fake Slack API) land in neither measured phase.
  await drainProcessing(url, 60_000);
  const baseline = await load(url, rate, baselineSeconds, () => ({ route: '/health', method: 'GET', headers: {} }));
  const warmCounts = await deliveryCounts(url);
  const alreadyStored = Object.values(warmCounts).reduce((sum, count) => sum + count, 0);

  progress(`webhooks: ${rate}/s for ${seconds} s (Sentry, Jira and Slack in turn)…`);
  const run = await load(url, rate, seconds, (index) => makers[index % makers.length]!(index));
  const acknowledged = run.statuses.get(200) ?? 0;
  const afterLoad = await deliveryCounts(url);
  const stored = Object.values(afterLoad).reduce((sum, count) => sum + count, 0) - alreadyStored;
  const drainStart = now();
  const counts = await drainProcessing(url, 120_000);
  const drainMs = now() - drainStart;

  const row = (name: string, result: typeof run) => [
    name,
    String(result.total),
    `${round(result.achievedRate)}/s`,
    formatMs(percentile(result.latencies, 0.5)),
    formatMs(percentile(result.latencies, 0.99)),
    formatMs(Math.max(...result.latencies)),
    [...result.statuses].map(([status, count]) => `${status}×${count}`).join(' ') + (result.failures ? ` errors×${result.failures}` : ''),
  ];
  console.log(table(['requests', 'sent', 'rate', 'p50', 'p99', 'max', 'answers'], [row('GET /health (baseline)', baseline), row('signed webhooks', run)]));
  console.log('');
  console.log(
    `p99 in each second (ms): baseline ${p99BySecond(baseline.sentTimes, baseline.latencies)}; webhooks ${p99BySecond(run.sentTimes, run.latencies)}`,
  );
  console.log(
    `acknowledged ${acknowledged} of ${run.total}; stored ${stored} new deliveries (${run.duplicates} acknowledged as duplicates); lost ${acknowledged - run.duplicates - stored}`,
  );
  console.log(
    `processing behind the acknowledgements: ${counts.processed} processed, ${counts.failed} failed, queue drained ${formatMs(drainMs)} after the last answer; fake Slack received ${slack.callsTo('chat.postEphemeral').length} answers`,
  );
  const p99 = percentile(run.latencies, 0.99);
  console.log(`database: ${postgres ? 'PostgreSQL server' : 'embedded PGlite'}; mender ran ${runtime.runtime}`);
  console.log(
    `target p99 ≤ ${targetP99Ms} ms: ${p99 <= targetP99Ms ? 'met' : 'NOT met'} (${formatMs(p99)}) on ${os.cpus().length} cores (${os.loadavg()[0]!.toFixed(1)} load average)`,
  );
  console.log(
    JSON.stringify({
      rate,
      seconds,
      runtime: runtime.runtime,
      database: postgres ? 'postgres' : 'pglite',
      sent: run.total,
      acknowledged,
      stored,
      duplicates: run.duplicates,
      lost: acknowledged - run.duplicates - stored,
      p50Ms: round(percentile(run.latencies, 0.5)),
      p99Ms: round(p99),
      maxMs: round(Math.max(...run.latencies)),
      achievedRate: round(run.achievedRate),
      baseline: { p50Ms: round(percentile(baseline.latencies, 0.5)), p99Ms: round(percentile(baseline.latencies, 0.99)) },
      processed: counts.processed,
      failed: counts.failed,
      drainMs: round(drainMs),
    }),
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  await slack.close();
  await postgres?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
