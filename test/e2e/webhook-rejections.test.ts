import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rowsOf } from '../../src/store/database.ts';
import { signedSlackRequest, slashCommandForm, startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.ts';
import { jiraIssueEvent, signedJiraRequest } from '../fakes/fake-jira-api.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';

const secrets = { slack: 'slack-signing-secret-for-tests', jira: 'jira-webhook-secret-for-tests', sentry: 'sentry-client-secret-for-tests' };
const botToken = 'xoxb-test-bot-token';
const bodyLimit = 4096;
const now = () => Math.floor(Date.now() / 1000);

function sentryRequest(body: string, options: { secret?: string; timestamp?: number; signature?: string | null } = {}) {
  const signature =
    options.signature === undefined
      ? crypto
          .createHmac('sha256', options.secret ?? secrets.sentry)
          .update(body)
          .digest('hex')
      : options.signature;
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'sentry-hook-resource': 'event_alert',
      'sentry-hook-timestamp': String(options.timestamp ?? now()),
      'request-id': crypto.randomUUID(),
      ...(signature === null ? {} : { 'sentry-hook-signature': signature }),
    },
  };
}

const sentryAlert = JSON.stringify({
  action: 'triggered',
  data: { event: { title: 'Error: boom', url: 'https://sentry.io/api/0/projects/acme/web/events/1/' } },
});

describe('webhook requests that must change nothing, replays, and slow processing', () => {
  let slack: FakeSlackApi;
  let mender: MenderUnderTest;

  beforeAll(async () => {
    slack = await startFakeSlackApi({ token: botToken });
    mender = await startMenderUnderTest({
      MENDER_SLACK_BOT_TOKEN: botToken,
      MENDER_SLACK_SIGNING_SECRET: secrets.slack,
      MENDER_SLACK_API_URL: slack.url,
      MENDER_JIRA_WEBHOOK_SECRET: secrets.jira,
      MENDER_SENTRY_CLIENT_SECRET: secrets.sentry,
      MENDER_WEBHOOK_BODY_LIMIT_BYTES: String(bodyLimit),
    });
  });

  afterAll(async () => {
    await mender?.close();
    await slack?.close();
  });

  async function post(route: string, request: { body: string | ReadableStream; headers: Record<string, string> }) {
    const response = await mender.app.request(route, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      ...(typeof request.body === 'string' ? {} : { duplex: 'half' }),
    } as RequestInit);
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  }

  async function rowCounts() {
    const count = async (table: string) =>
      Number(rowsOf<{ count: number }>(await mender.store.db.execute(sql.raw(`SELECT count(*)::int AS count FROM ${table}`)))[0]!.count);
    return {
      deliveries: await count('webhook_deliveries'),
      jobs: await count(`jobs WHERE queue = 'webhooks'`),
      operations: await count('operations'),
      events: await count('events'),
    };
  }

  it('refuses bad, missing and stale signatures (401), oversized bodies (413) and malformed ones (400), storing nothing', async () => {
    const before = await rowCounts();
    const command = signedSlackRequest(secrets.slack, slashCommandForm('/agent', 'list', 'U0LEAD'));
    const cases: { name: string; route: string; request: { body: string | ReadableStream; headers: Record<string, string> }; status: number; code: string }[] =
      [
        {
          name: 'slack: wrong secret',
          route: '/webhooks/slack/commands',
          request: signedSlackRequest('another-secret', slashCommandForm('/agent', 'list', 'U0LEAD')),
          status: 401,
          code: 'bad_signature',
        },
        {
          name: 'slack: body changed after signing',
          route: '/webhooks/slack/commands',
          request: { ...command, body: command.body.replace('list', 'pause') },
          status: 401,
          code: 'bad_signature',
        },
        {
          name: 'slack: no signature',
          route: '/webhooks/slack/commands',
          request: { body: command.body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(now()) } },
          status: 401,
          code: 'missing_signature',
        },
        {
          name: 'slack: stale timestamp',
          route: '/webhooks/slack/commands',
          request: signedSlackRequest(secrets.slack, slashCommandForm('/agent', 'list', 'U0LEAD'), { timestamp: now() - 301 }),
          status: 401,
          code: 'stale_timestamp',
        },
        {
          name: 'slack: no timestamp',
          route: '/webhooks/slack/commands',
          request: { body: command.body, headers: { ...command.headers, 'x-slack-request-timestamp': '' } },
          status: 401,
          code: 'bad_signature',
        },
        {
          name: 'slack: oversized',
          route: '/webhooks/slack/commands',
          request: signedSlackRequest(secrets.slack, slashCommandForm('/fix', 'x'.repeat(bodyLimit), 'U0LEAD')),
          status: 413,
          code: 'payload_too_large',
        },
        {
          name: 'slack: command without its fields',
          route: '/webhooks/slack/commands',
          request: signedSlackRequest(secrets.slack, { command: '/fix', text: 'x' }),
          status: 400,
          code: 'invalid_payload',
        },
        {
          name: 'slack: interaction without payload',
          route: '/webhooks/slack/interactions',
          request: signedSlackRequest(secrets.slack, { nothing: 'here' }),
          status: 400,
          code: 'invalid_payload',
        },
        {
          name: 'slack: interaction payload not JSON',
          route: '/webhooks/slack/interactions',
          request: signedSlackRequest(secrets.slack, { payload: '{"type":' }),
          status: 400,
          code: 'malformed_json',
        },
        {
          name: 'jira: wrong secret',
          route: '/webhooks/jira',
          request: signedJiraRequest('another-secret', jiraIssueEvent('SHOP-1', ['AI-Fix'])),
          status: 401,
          code: 'bad_signature',
        },
        {
          name: 'jira: no signature',
          route: '/webhooks/jira',
          request: { body: JSON.stringify(jiraIssueEvent('SHOP-1', ['AI-Fix'])), headers: { 'content-type': 'application/json' } },
          status: 401,
          code: 'missing_signature',
        },
        {
          name: 'jira: oversized',
          route: '/webhooks/jira',
          request: signedJiraRequest(secrets.jira, { ...jiraIssueEvent('SHOP-1', ['AI-Fix']), padding: 'x'.repeat(bodyLimit) }),
          status: 413,
          code: 'payload_too_large',
        },
        {
          name: 'jira: not JSON',
          route: '/webhooks/jira',
          request: {
            body: '{"webhookEvent":',
            headers: {
              'content-type': 'application/json',
              'x-hub-signature': `sha256=${crypto.createHmac('sha256', secrets.jira).update('{"webhookEvent":').digest('hex')}`,
            },
          },
          status: 400,
          code: 'malformed_json',
        },
        {
          name: 'jira: not an issue event',
          route: '/webhooks/jira',
          request: signedJiraRequest(secrets.jira, { issue: { key: 'nope' } }),
          status: 400,
          code: 'invalid_payload',
        },
        {
          name: 'sentry: wrong secret',
          route: '/webhooks/sentry',
          request: sentryRequest(sentryAlert, { secret: 'another-secret' }),
          status: 401,
          code: 'bad_signature',
        },
        {
          name: 'sentry: no signature',
          route: '/webhooks/sentry',
          request: sentryRequest(sentryAlert, { signature: null }),
          status: 401,
          code: 'missing_signature',
        },
        {
          name: 'sentry: stale timestamp',
          route: '/webhooks/sentry',
          request: sentryRequest(sentryAlert, { timestamp: now() - 600 }),
          status: 401,
          code: 'stale_timestamp',
        },
        {
          name: 'sentry: oversized, streamed without a length',
          route: '/webhooks/sentry',
          request: { ...sentryRequest(sentryAlert), body: new Blob([`{"padding":"${'x'.repeat(bodyLimit * 4)}"}`]).stream() },
          status: 413,
          code: 'payload_too_large',
        },
        { name: 'sentry: not JSON', route: '/webhooks/sentry', request: sentryRequest('{"action":'), status: 400, code: 'malformed_json' },
        {
          name: 'sentry: alert without its event',
          route: '/webhooks/sentry',
          request: sentryRequest('{"action":"triggered","data":{}}'),
          status: 400,
          code: 'invalid_payload',
        },
      ];
    for (const testCase of cases) {
      const answer = await post(testCase.route, testCase.request);
      expect({ name: testCase.name, status: answer.status, code: answer.json?.error?.code }).toEqual({
        name: testCase.name,
        status: testCase.status,
        code: testCase.code,
      });
    }
    expect(await rowCounts()).toEqual(before);
    expect(slack.calls).toEqual([]);
  });

  it('processes a replayed delivery once', async () => {
    const before = await rowCounts();
    const command = signedSlackRequest(secrets.slack, slashCommandForm('/agent', 'list', 'U0REPLAY'));
    for (let times = 0; times < 3; times += 1) expect((await post('/webhooks/slack/commands', command)).status).toBe(200);
    await vi.waitFor(() => expect(slack.callsTo('chat.postEphemeral').filter((call) => call.args.user === 'U0REPLAY')).toHaveLength(1), { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(slack.callsTo('chat.postEphemeral').filter((call) => call.args.user === 'U0REPLAY')).toHaveLength(1);
    expect((await rowCounts()).deliveries).toBe(before.deliveries + 1);
  });

  it('acknowledges before a slow processing step has finished', async () => {
    // Slack's API takes 5 s to answer: the acknowledgement must not wait for it.
    slack.delay('chat.postEphemeral', 5000);
    const answer = await post('/webhooks/slack/commands', signedSlackRequest(secrets.slack, slashCommandForm('/agent', 'list', 'U0SLOW')));
    expect(answer).toMatchObject({ status: 200, json: { response_type: 'ephemeral', text: 'Listing operations…' } });
    const [delivery] = (await mender.call('GET', '/api/integrations/deliveries?limit=1')).json.deliveries;
    expect(['queued', 'processing']).toContain(delivery.status);
    await vi.waitFor(async () => expect((await mender.call('GET', `/api/integrations/deliveries?limit=1`)).json.deliveries[0].status).toBe('processed'), {
      timeout: 20_000,
      interval: 200,
    });
    expect(slack.callsTo('chat.postEphemeral').filter((call) => call.args.user === 'U0SLOW')).toHaveLength(1);
    slack.delay('chat.postEphemeral', 0);
  });

  it('answers 503 naming the setting when an integration is not configured', async () => {
    const bare = await startMenderUnderTest();
    try {
      const response = await bare.app.request('/webhooks/sentry', { method: 'POST', body: sentryAlert, headers: sentryRequest(sentryAlert).headers });
      expect(response.status).toBe(503);
      expect((await response.json()).error.message).toContain('MENDER_SENTRY_CLIENT_SECRET');
      const slackResponse = await bare.app.request('/webhooks/slack/commands', { method: 'POST', body: 'a=b' });
      expect((await slackResponse.json()).error.message).toContain('MENDER_SLACK_SIGNING_SECRET and MENDER_SLACK_BOT_TOKEN');
    } finally {
      await bare.close();
    }
  });
});
