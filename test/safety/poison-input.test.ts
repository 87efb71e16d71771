import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/load-settings.ts';
import { IngestSpool } from '../../src/detect/ingest-spool.ts';
import { startMender, type RunningMender } from '../../src/main/start-mender.ts';
import { jiraIssueEvent, signedJiraRequest } from '../fakes/fake-jira-api.ts';
import { signedSlackRequest, slashCommandForm } from '../fakes/fake-slack-api.ts';
import { eventually } from '../support/eventually.ts';
import { adminToken, startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';

const secrets = {
  slack: 'slack-signing-secret-for-tests',
  jira: 'jira-webhook-secret-for-tests',
  sentry: 'sentry-client-secret-for-tests',
  github: 'github-webhook-secret-for-tests',
};
const integrationEnv = {
  MENDER_SLACK_BOT_TOKEN: 'xoxb-test-bot-token',
  MENDER_SLACK_SIGNING_SECRET: secrets.slack,
  MENDER_SLACK_API_URL: 'http://127.0.0.1:9/',
  MENDER_JIRA_WEBHOOK_SECRET: secrets.jira,
  MENDER_SENTRY_CLIENT_SECRET: secrets.sentry,
  MENDER_GITHUB_WEBHOOK_SECRET: secrets.github,
};

/** One error event whose exception type names it, so each test's events make their own issue. */
function errorEvent(type: string, value: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: crypto.randomUUID().replace(/-/g, ''),
    level: 'error',
    exception: { values: [{ type, value, stacktrace: { frames: [{ filename: '/srv/app/cart.js', function: 'total', lineno: 3, in_app: true }] } }] },
    ...extra,
  };
}

/** An envelope holding `payloads` as sent, byte for byte (a JSON text may hold escapes such as \u0000). */
function envelopeOf(payloads: string[]): string {
  const lines = ['{}'];
  for (const payload of payloads) lines.push(JSON.stringify({ type: 'event', length: Buffer.byteLength(payload) }), payload);
  return `${lines.join('\n')}\n`;
}

describe('outside text the database cannot store', () => {
  let target: TargetRepository;
  let mender: MenderUnderTest;
  /** The Mender under test now: the first one, then the one restarted on the same data folder. */
  let running: RunningMender;
  let project: { id: number; publicKey: string };

  const call = async (method: string, route: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await running.app.request(route, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text };
  };
  const sendEnvelope = (payloads: string[]) =>
    running.app.request(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-sentry-envelope' },
      body: envelopeOf(payloads),
    });
  const issueTitled = async (title: string) => {
    const issues = (await call('GET', '/api/issues?limit=500')).json.issues as { title: string; count: number }[];
    return issues.find((issue) => issue.title === title);
  };
  const waitForIssue = async (title: string) =>
    (await eventually(
      () => issueTitled(title),
      (issue) => issue !== undefined,
      `issue "${title}" to be grouped`,
    ))!;
  let stopped = false;
  const stop = async () => {
    if (!stopped) await running.stop();
    stopped = true;
  };
  const restart = async () => {
    await stop();
    const env = {
      MENDER_DATA_DIR: mender.dataDir,
      MENDER_PORT: '0',
      MENDER_ADMIN_TOKEN: adminToken,
      MENDER_MODEL_RETRIES: '0',
      MENDER_TWO_PERSON_RULE: 'false',
      ...integrationEnv,
    };
    running = await startMender(loadSettings(env, mender.dataDir), { env, logWrite: (line) => mender.logs.push(line) });
    stopped = false;
  };

  beforeAll(async () => {
    target = createTargetRepository();
    mender = await startMenderUnderTest(integrationEnv);
    running = mender;
    expect((await call('POST', '/api/repos', { name: 'shop', path: target.path })).status).toBe(201);
    const created = await call('POST', '/api/projects', { name: 'shop', repo: 'shop' });
    expect(created.status).toBe(201);
    project = created.json;
  }, 120_000);
  afterAll(async () => {
    await stop();
    fs.rmSync(mender.dataDir, { recursive: true, force: true });
    target?.cleanup();
  });

  it('groups a Sentry event holding NUL and lone surrogates, and every later event, also after a restart', async () => {
    const poisoned = JSON.stringify(
      errorEvent('NulError', 'before\u0000after \ud800 and \udfff', { extra: { 'key\u0000': ['\u0000'] }, user: { id: 'u\u00001' } }),
    );
    expect(poisoned).toContain('\\u0000');
    expect(poisoned).toContain('\\ud800');
    expect((await sendEnvelope([poisoned])).status).toBe(200);
    expect((await sendEnvelope([JSON.stringify(errorEvent('AfterPoisonError', 'still grouped'))])).status).toBe(200);
    await waitForIssue('AfterPoisonError: still grouped');
    const poisonedIssue = await waitForIssue('NulError: beforeafter \ufffd and \ufffd');
    expect(poisonedIssue.count).toBe(1);

    await restart();
    expect((await sendEnvelope([JSON.stringify(errorEvent('AfterRestartError', 'grouped after restart'))])).status).toBe(200);
    await waitForIssue('AfterRestartError: grouped after restart');
    expect((await call('GET', '/api/detection')).json).toMatchObject({ pending: 0, quarantined: 0 });
  }, 60_000);

  it('splits a batch holding a record that still fails, quarantines that record (listed and counted) and groups the rest', async () => {
    // Events of a project that is gone by the time they are grouped (e.g. removed from the database by hand):
    // written into the spool while Mender is down, between two good ones, so all three are one batch.
    await stop();
    const { spool } = await IngestSpool.open(path.join(mender.dataDir, 'ingest-spool'), undefined);
    const entry = (projectId: number, event: Record<string, unknown>) => ({
      projectId,
      source: 'sentry',
      receivedAt: Date.now(),
      payload: JSON.stringify([event]),
      events: 1,
    });
    await spool.append([
      entry(project.id, errorEvent('BeforeBadError', 'first good')),
      entry(987_654, errorEvent('OrphanError', 'no such project')),
      entry(project.id, errorEvent('AfterBadError', 'second good')),
    ]);
    await spool.close();
    await restart();

    await waitForIssue('BeforeBadError: first good');
    await waitForIssue('AfterBadError: second good');
    const detection = await eventually(
      async () => (await call('GET', '/api/detection')).json,
      (state) => state.pending === 0 && state.quarantined === 1,
      'the bad record to be quarantined',
    );
    expect(detection).toMatchObject({ pending: 0, quarantined: 1 });
    const listed = await call('GET', '/api/detection/quarantine');
    expect(listed.status).toBe(200);
    expect(listed.json.total).toBe(1);
    expect(listed.json.entries).toHaveLength(1);
    expect(listed.json.entries[0]).toMatchObject({ projectId: 987_654, source: 'sentry', events: 1 });
    expect(listed.json.entries[0].reason).toMatch(/foreign key|detect_projects/);
    expect(listed.json.entries[0].payload).toContain('OrphanError');
    const metrics = await call('GET', '/metrics');
    expect(metrics.text).toMatch(/^mender_detect_quarantined_entries 1$/m);
    expect(await issueTitled('OrphanError: no such project')).toBeUndefined();
    // The quarantine survives a restart and the digest goes on.
    await restart();
    expect((await call('GET', '/api/detection/quarantine')).json.total).toBe(1);
    expect((await sendEnvelope([JSON.stringify(errorEvent('AfterQuarantineError', 'goes on'))])).status).toBe(200);
    await waitForIssue('AfterQuarantineError: goes on');
  }, 90_000);

  it('answers 400 naming the field for NUL or a lone surrogate in an operation description, and creates nothing', async () => {
    const before = (await call('GET', '/api/operations')).json.total;
    for (const description of ['cart total\u0000 ignores quantity', 'cart total \ud800 ignores quantity']) {
      const response = await call('POST', '/api/operations', { type: 'fix', description, repo: 'shop' });
      expect(response.status).toBe(400);
      expect(response.json.error.code).toBe('invalid_request');
      expect(Object.keys(response.json.error.fields)).toEqual(['description']);
      expect(response.json.error.message).toMatch(/description/);
    }
    const nested = await call('POST', '/api/operations', { type: 'fix', description: 'fine', repo: 'shop', errorContext: { message: 'x\u0000' } });
    expect(nested.status).toBe(400);
    expect(Object.keys(nested.json.error.fields)).toEqual(['errorContext.message']);
    expect((await call('GET', '/api/operations')).json.total).toBe(before);
  });

  it('answers 400 naming the field, not 500, for NUL in a signed Jira, Slack, Sentry or GitHub webhook', async () => {
    const post = async (route: string, request: { body: string; headers: Record<string, string> }) => {
      const response = await running.app.request(route, { method: 'POST', headers: request.headers, body: request.body });
      return { status: response.status, json: (await response.json()) as { error: { code: string; message: string } } };
    };
    const jira = jiraIssueEvent('SHOP-7', ['ai-fix']);
    jira.issue.fields.summary = 'Cart\u0000 total';
    const jiraResponse = await post('/webhooks/jira', signedJiraRequest(secrets.jira, jira));
    expect(jiraResponse.status).toBe(400);
    expect(jiraResponse.json.error.message).toMatch(/issue\.fields\.summary/);

    const slackResponse = await post(
      '/webhooks/slack/commands',
      signedSlackRequest(secrets.slack, slashCommandForm('/agent', 'fix cart\u0000 total', 'U0LEAD')),
    );
    expect(slackResponse.status).toBe(400);
    expect(slackResponse.json.error.message).toMatch(/"text"|\btext\b/);

    const sentryBody = JSON.stringify({
      action: 'triggered',
      data: { event: { title: 'Error: \u0000boom', url: 'https://sentry.io/api/0/projects/acme/web/events/1/' } },
    });
    const sentryResponse = await post('/webhooks/sentry', {
      body: sentryBody,
      headers: {
        'content-type': 'application/json',
        'sentry-hook-resource': 'event_alert',
        'sentry-hook-timestamp': String(Math.floor(Date.now() / 1000)),
        'request-id': crypto.randomUUID(),
        'sentry-hook-signature': crypto.createHmac('sha256', secrets.sentry).update(sentryBody).digest('hex'),
      },
    });
    expect(sentryResponse.status).toBe(400);
    expect(sentryResponse.json.error.message).toMatch(/data\.event\.title/);

    const githubBody = JSON.stringify({
      action: 'opened',
      issue: { number: 1, title: 'x\u0000', body: '', labels: [] },
      repository: { full_name: 'acme/shop' },
    });
    const githubResponse = await post('/webhooks/github', {
      body: githubBody,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issues',
        'x-github-delivery': crypto.randomUUID(),
        'x-hub-signature-256': `sha256=${crypto.createHmac('sha256', secrets.github).update(githubBody).digest('hex')}`,
      },
    });
    expect(githubResponse.status).toBe(400);
    expect(githubResponse.json.error.message).toMatch(/issue\.title/);
  });
});
