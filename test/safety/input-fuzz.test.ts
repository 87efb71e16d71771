import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jiraIssueEvent, signedJiraRequest } from '../fakes/fake-jira-api.ts';
import { signedSlackRequest, slashCommandForm } from '../fakes/fake-slack-api.ts';
import { eventually } from '../support/eventually.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';

// Every route that takes outside input, fed random and hostile values from a seeded generator:
// each answer must be a 4xx or an acceptance (stored, or quarantined), never a 500, and afterwards
// the digest must not be stuck. Reproduce a failure with MENDER_FUZZ_SEED=<the printed seed>.
const seed = Number(process.env.MENDER_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const rounds = Number(process.env.MENDER_FUZZ_ROUNDS ?? 60);

/** mulberry32: small, fast, and the same sequence for the same seed. */
function generator(start: number) {
  let state = start >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const integer = (below: number) => Math.floor(next() * below);
  const pick = <Item>(items: readonly Item[]): Item => items[integer(items.length)]!;
  return { next, integer, pick };
}
type Random = ReturnType<typeof generator>;

const oneMegabyte = 1024 * 1024;
const hostileStrings = (random: Random): string[] => [
  '\u0000',
  `a\u0000b`,
  '\ud800',
  'x\udfffy',
  '\udbff\u0000\udc00\ud800',
  '\u202e\ufeff\u200b',
  '💥'.repeat(random.integer(50) + 1),
  '"\\\'`${}<script>',
  '__proto__',
  'constructor',
  '%00%ZZ',
  '\r\n\r\n',
  ' '.repeat(random.integer(5)),
  'x'.repeat(random.integer(70_000)),
];

function randomString(random: Random): string {
  if (random.next() < 0.5) return random.pick(hostileStrings(random));
  const length = random.integer(40);
  let text = '';
  for (let index = 0; index < length; index += 1) {
    const roll = random.next();
    text +=
      roll < 0.6
        ? String.fromCharCode(32 + random.integer(95))
        : roll < 0.8
          ? String.fromCharCode(random.integer(0x10000))
          : String.fromCodePoint(random.integer(0x10ffff));
  }
  return text;
}

function deepNesting(random: Random): unknown {
  let value: unknown = randomString(random);
  const depth = random.pick([70, 300, 1000]);
  for (let level = 0; level < depth; level += 1) value = random.next() < 0.5 ? [value] : { nested: value };
  return value;
}

function randomValue(random: Random, depth = 0): unknown {
  const roll = random.integer(12);
  if (roll === 0) return null;
  if (roll === 1) return random.next() < 0.5;
  if (roll === 2) return random.pick([0, -1, 1e308, -1e308, 2 ** 64, Number.MAX_SAFE_INTEGER + 2, 1.5, 2 ** 31, -(2 ** 31) - 1]);
  if (roll === 3 && depth < 3) return Array.from({ length: random.integer(4) }, () => randomValue(random, depth + 1));
  if (roll === 4 && depth < 3)
    return Object.fromEntries(Array.from({ length: random.integer(4) }, () => [randomString(random).slice(0, 40), randomValue(random, depth + 1)]));
  if (roll === 5 && random.next() < 0.2) return deepNesting(random);
  return randomString(random);
}

/** A copy of `value` with one to three of its leaves (or the whole) replaced by random values. */
function mutate(random: Random, value: unknown): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  for (let count = random.integer(3) + 1; count > 0; count -= 1) {
    let holder: any = copy;
    for (let step = 0; step < 6; step += 1) {
      const keys = holder && typeof holder === 'object' ? Object.keys(holder) : [];
      if (!keys.length) break;
      const key = random.pick(keys);
      if (random.next() < 0.4 || !holder[key] || typeof holder[key] !== 'object') {
        holder[key] = randomValue(random);
        break;
      }
      holder = holder[key];
    }
  }
  return random.next() < 0.05 ? randomValue(random) : copy;
}

/** Text that JSON.parse reads as numbers no double holds, or is not JSON at all. */
function rawJsonText(random: Random, value: unknown): string {
  const roll = random.integer(10);
  if (roll === 0) return `{"n": 1e999999, "m": -1e400, "s": "\\u0000", "d": "\\ud800"}`;
  if (roll === 1) return `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  if (roll === 2) return JSON.stringify(value).slice(0, random.integer(200));
  return JSON.stringify(value) ?? 'null';
}

/** Percent-encodes text; a lone surrogate becomes the bytes of an encoded surrogate (%ED%A0%80), which is not UTF-8. */
function percentEncoded(text: string): string {
  return Array.from(text, (character) => (/^[\ud800-\udfff]$/.test(character) ? '%ED%A0%80' : encodeURIComponent(character))).join('');
}

function sentryEvent(random: Random): Record<string, unknown> {
  return {
    event_id: crypto.randomUUID().replace(/-/g, ''),
    level: random.pick(['error', 'fatal', 'warning']),
    message: 'fuzzed',
    release: `1.0.${random.integer(9)}`,
    environment: 'production',
    user: { id: String(random.integer(100)), email: 'a@example.com' },
    tags: { route: '/cart' },
    timestamp: Date.now() / 1000,
    exception: {
      values: [
        { type: 'FuzzError', value: 'boom', stacktrace: { frames: [{ filename: '/srv/app/cart.js', function: 'total', lineno: 3, colno: 1, in_app: true }] } },
      ],
    },
    extra: { note: 'x' },
  };
}

describe(`input fuzz (seed ${seed}; rerun with MENDER_FUZZ_SEED=${seed})`, () => {
  let target: TargetRepository;
  let mender: MenderUnderTest;
  let project: { id: number; publicKey: string };
  let logFolder: string;
  let logFile: string;
  const secrets = {
    slack: 'slack-signing-secret-for-tests',
    jira: 'jira-webhook-secret-for-tests',
    sentry: 'sentry-client-secret-for-tests',
    github: 'github-webhook-secret-for-tests',
  };

  beforeAll(async () => {
    target = createTargetRepository();
    logFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-fuzz-logs-'));
    logFile = path.join(logFolder, 'app.log');
    fs.writeFileSync(logFile, '');
    mender = await startMenderUnderTest({
      MENDER_DETECT_RATE_LIMIT_PER_MINUTE: '1000000',
      MENDER_DETECT_LOG_FILES: JSON.stringify([{ path: logFile, project: 'shop' }]),
      MENDER_SLACK_BOT_TOKEN: 'xoxb-test-bot-token',
      MENDER_SLACK_SIGNING_SECRET: secrets.slack,
      MENDER_SLACK_API_URL: 'http://127.0.0.1:9/',
      MENDER_JIRA_WEBHOOK_SECRET: secrets.jira,
      MENDER_SENTRY_CLIENT_SECRET: secrets.sentry,
      MENDER_GITHUB_WEBHOOK_SECRET: secrets.github,
    });
    expect((await mender.call('POST', '/api/repos', { name: 'shop', path: target.path })).status).toBe(201);
    const created = await mender.call('POST', '/api/projects', { name: 'shop', repo: 'shop' });
    expect(created.status).toBe(201);
    project = created.json;
  }, 120_000);
  afterAll(async () => {
    await mender?.close();
    target?.cleanup();
    fs.rmSync(logFolder, { recursive: true, force: true });
  });

  it('answers every hostile input with a 4xx or an acceptance, and the digest and the API go on afterwards', async () => {
    const random = generator(seed);
    const failures: string[] = [];
    let tried = 0;
    const statuses = new Map<number, number>();
    const send = async (what: string, route: string, init: { method?: string; headers?: Record<string, string>; body?: string }) => {
      tried += 1;
      const response = await mender.app.request(route, { method: init.method ?? 'POST', headers: init.headers, body: init.body });
      const text = await response.text();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500 || response.status < 200 || (response.status >= 300 && response.status < 400))
        failures.push(`${what} ${route.slice(0, 120)} → ${response.status} ${text.slice(0, 300)}`);
    };
    const api = (route: string, body: string, method = 'POST') =>
      send('api', route, { method, headers: { authorization: `Bearer ${mender.adminToken}`, 'content-type': 'application/json' }, body });
    const operation = await mender.call('POST', '/api/operations', { type: 'fix', description: 'a real operation for the fuzz to act on', repo: 'shop' });
    expect(operation.status).toBe(201);
    const ids = [operation.json.id as string, 'nope', '%00', '%F0%9F', encodeURIComponent('\u0000x'), 'a'.repeat(2000)];

    for (let round = 0; round < rounds; round += 1) {
      // API bodies and queries.
      const operationBody = {
        type: 'fix',
        description: 'cart total ignores quantity',
        repo: random.next() < 0.5 ? 'shop' : 'nowhere',
        errorContext: { message: 'boom', stack: 'at x' },
      };
      const fuzzedOperation = mutate(random, operationBody) as Record<string, unknown>;
      // A body that passes would start real work: keep the ones that could pass off the real repository.
      if (fuzzedOperation && typeof fuzzedOperation === 'object' && fuzzedOperation.repo === 'shop')
        fuzzedOperation.repo = random.next() < 0.9 ? 'shop-not-registered' : 'shop';
      await api('/api/operations', rawJsonText(random, fuzzedOperation));
      await api('/api/repos', rawJsonText(random, mutate(random, { name: 'r', path: '/nonexistent/checkout', commands: { test: 'npm test' } })));
      await api('/api/projects', rawJsonText(random, mutate(random, { name: `p${round}`, repo: 'nowhere', rateLimitPerMinute: 10 })));
      await api('/api/users', rawJsonText(random, mutate(random, { name: `user-${round}`, role: 'nobody' })));
      const id = random.pick(ids);
      await api(
        `/api/operations/${id}/${random.pick(['approve', 'reject', 'request-changes', 'cancel', 'rollback', 'retry'])}`,
        rawJsonText(random, mutate(random, { comment: 'ok' })),
      );
      const query = percentEncoded(randomString(random).slice(0, 300));
      await send('query', `/api/operations?status=${query}&repo=${query}&limit=${random.pick(['1', '-1', '1e309', 'x', '99999999999999999999'])}`, {
        method: 'GET',
        headers: { authorization: `Bearer ${mender.adminToken}` },
      });
      await send('query', `/api/issues?repo=${query}&status=${query}&limit=${random.pick(['5', 'NaN', '0'])}`, {
        method: 'GET',
        headers: { authorization: `Bearer ${mender.adminToken}` },
      });
      await send('path', `/api/issues/${random.pick(ids)}`, { method: 'GET', headers: { authorization: `Bearer ${mender.adminToken}` } });
      await send('path', `/api/operations/${random.pick(ids)}`, { method: 'GET', headers: { authorization: `Bearer ${mender.adminToken}` } });

      // Sentry envelopes and the store endpoint.
      const events = Array.from({ length: random.integer(3) + 1 }, () => mutate(random, sentryEvent(random)));
      const payloads = events.map((event) => rawJsonText(random, event));
      const itemLines = payloads.flatMap((payload) => [
        JSON.stringify(random.next() < 0.9 ? { type: 'event', length: Buffer.byteLength(payload) } : mutate(random, { type: 'event', length: 3 })),
        payload,
      ]);
      const envelope =
        random.next() < 0.1 ? randomString(random) : `${JSON.stringify(random.next() < 0.9 ? {} : randomValue(random))}\n${itemLines.join('\n')}\n`;
      await send('envelope', `/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, {
        headers: { 'content-type': 'application/x-sentry-envelope' },
        body: envelope,
      });
      await send('store', `/api/${project.id}/store/?sentry_key=${project.publicKey}`, {
        headers: { 'content-type': 'application/json' },
        body: rawJsonText(random, mutate(random, sentryEvent(random))),
      });

      // Log lines: over HTTP and through the followed file.
      const line = () => {
        const roll = random.integer(4);
        if (roll === 0)
          return JSON.stringify(
            mutate(random, {
              level: random.pick([50, 60, 'error', 'fatal']),
              msg: 'TypeError: x',
              stack: 'TypeError: x\n    at f (/srv/a.js:1:2)',
              release: '1',
              user: { id: 1 },
            }),
          );
        if (roll === 1 && random.next() < 0.1) return `ERROR ${'z'.repeat(oneMegabyte - 10)}`;
        return `ERROR ${randomString(random)}`;
      };
      const lines = Array.from({ length: random.integer(3) + 1 }, line).join('\n');
      await send('log lines', `/api/logs/${project.id}?sentry_key=${project.publicKey}`, { headers: { 'content-type': 'text/plain' }, body: lines });
      fs.appendFileSync(logFile, `${lines}\n`);
      tried += 1;

      // Signed webhooks: the signature is right, the payload is hostile.
      const jira = signedJiraRequest(secrets.jira, mutate(random, jiraIssueEvent(`SHOP-${round + 1}`, ['bug'])));
      await send('jira', '/webhooks/jira', { headers: jira.headers, body: jira.body });
      const form = slashCommandForm('/agent', 'list', 'U0LEAD');
      const fuzzedForm = Object.fromEntries(
        Object.entries(form).map(([key, value]) => [key, random.next() < 0.3 ? randomString(random).slice(0, 3000) : value]),
      );
      const slack = signedSlackRequest(secrets.slack, fuzzedForm);
      await send('slack command', '/webhooks/slack/commands', { headers: slack.headers, body: slack.body });
      const interaction = signedSlackRequest(secrets.slack, {
        payload: rawJsonText(
          random,
          mutate(random, { type: 'block_actions', user: { id: 'U0LEAD' }, actions: [{ action_id: 'approve', value: operation.json.id }] }),
        ),
      });
      await send('slack interaction', '/webhooks/slack/interactions', { headers: interaction.headers, body: interaction.body });
      const sentryBody = rawJsonText(
        random,
        mutate(random, { action: 'triggered', data: { event: { title: 'Error: boom', url: 'https://sentry.io/api/0/projects/acme/web/events/1/' } } }),
      );
      await send('sentry webhook', '/webhooks/sentry', {
        headers: {
          'content-type': 'application/json',
          'sentry-hook-resource': random.pick(['event_alert', 'issue', 'installation']),
          'sentry-hook-timestamp': String(Math.floor(Date.now() / 1000)),
          'request-id': crypto.randomUUID(),
          'sentry-hook-signature': crypto.createHmac('sha256', secrets.sentry).update(sentryBody).digest('hex'),
        },
        body: sentryBody,
      });
      const githubBody = rawJsonText(
        random,
        mutate(random, {
          action: 'opened',
          issue: { number: round + 1, title: 't', body: 'b', labels: [{ name: 'bug' }] },
          repository: { full_name: 'acme/elsewhere' },
        }),
      );
      await send('github', '/webhooks/github', {
        headers: {
          'content-type': 'application/json',
          'x-github-event': random.pick(['issues', 'issue_comment', 'ping', 'pull_request']),
          'x-github-delivery': crypto.randomUUID(),
          'x-hub-signature-256': `sha256=${crypto.createHmac('sha256', secrets.github).update(githubBody).digest('hex')}`,
        },
        body: githubBody,
      });
    }

    console.log(`input fuzz: seed ${seed}, ${tried} inputs tried, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect(failures, `seed ${seed}: rerun with MENDER_FUZZ_SEED=${seed}`).toEqual([]);

    // Not stuck: the digest catches up, then a normal event, log line and operation still go through.
    await eventually(
      async () => (await mender.call('GET', '/api/detection')).json,
      (state) => state.pending === 0,
      'the digest to catch up after the fuzz',
      60_000,
    );
    const canary = {
      ...sentryEvent(random),
      exception: {
        values: [
          {
            type: 'CanaryError',
            value: 'after the fuzz',
            stacktrace: { frames: [{ filename: '/srv/app/canary.js', function: 'canary', lineno: 1, in_app: true }] },
          },
        ],
      },
    };
    const canaryPayload = JSON.stringify(canary);
    const accepted = await mender.app.request(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, {
      method: 'POST',
      body: `{}\n${JSON.stringify({ type: 'event', length: Buffer.byteLength(canaryPayload) })}\n${canaryPayload}\n`,
    });
    expect(accepted.status).toBe(200);
    fs.appendFileSync(logFile, 'ERROR LogCanaryError: the log tail still follows\n');
    const issues = async () => (await mender.call('GET', '/api/issues?limit=500')).json.issues as { title: string }[];
    await eventually(issues, (list) => list.some((issue) => issue.title === 'CanaryError: after the fuzz'), 'the canary event to be grouped', 30_000);
    await eventually(issues, (list) => list.some((issue) => issue.title.includes('LogCanaryError')), 'the canary log line to be grouped', 30_000);
    const after = await mender.call('POST', '/api/operations', { type: 'fix', description: 'a normal operation after the fuzz', repo: 'shop' });
    expect(after.status).toBe(201);
    const detection = (await mender.call('GET', '/api/detection')).json;
    console.log(`input fuzz: digest after the fuzz ${JSON.stringify(detection)}`);
  }, 120_000);
});
