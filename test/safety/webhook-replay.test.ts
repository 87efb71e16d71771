import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jiraIssueEvent, signedJiraRequest } from '../fakes/fake-jira-api.ts';
import { signedSlackRequest, slashCommandForm } from '../fakes/fake-slack-api.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';

// What each platform signs (checked against its documentation):
// - Sentry: Sentry-Hook-Signature is the HMAC-SHA256 of the body only; Request-ID and
//   Sentry-Hook-Timestamp are not signed, so a replay can carry a fresh timestamp and a new id.
// - GitHub: X-Hub-Signature-256 is the HMAC-SHA256 of the body only; X-GitHub-Delivery is not signed
//   and there is no timestamp.
// - Jira: X-Hub-Signature is the HMAC-SHA256 of the body only; X-Atlassian-Webhook-Identifier is not signed.
// - Slack: X-Slack-Signature signs "v0:{X-Slack-Request-Timestamp}:{body}": the timestamp is signed,
//   so a replay after five minutes is refused by the freshness check.
const secrets = {
  sentry: 'sentry-client-secret-for-replays',
  github: 'github-secret-for-replays',
  jira: 'jira-secret-for-replays',
  slack: 'slack-signing-for-replays',
};

const hmac = (secret: string, body: string) => crypto.createHmac('sha256', secret).update(body).digest('hex');

function sentryAlert(timestamp = Math.floor(Date.now() / 1000)) {
  const body = JSON.stringify({
    action: 'triggered',
    data: {
      triggered_rule: 'New errors',
      event: {
        event_id: crypto.randomUUID().replaceAll('-', ''),
        issue_id: '4711',
        project: 1,
        title: 'TypeError: x is undefined',
        web_url: 'https://sentry.io/issues/4711/',
      },
    },
    installation: { uuid: 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de' },
  });
  return (requestId: string, at = timestamp) => ({
    body,
    headers: {
      'content-type': 'application/json',
      'request-id': requestId,
      'sentry-hook-resource': 'event_alert',
      'sentry-hook-timestamp': String(at),
      'sentry-hook-signature': hmac(secrets.sentry, body),
    },
  });
}

describe('a replayed webhook body has no second effect, whatever delivery id it carries', () => {
  let mender: MenderUnderTest;

  beforeAll(async () => {
    mender = await startMenderUnderTest({
      MENDER_SENTRY_CLIENT_SECRET: secrets.sentry,
      MENDER_GITHUB_WEBHOOK_SECRET: secrets.github,
      MENDER_JIRA_WEBHOOK_SECRET: secrets.jira,
      MENDER_SLACK_SIGNING_SECRET: secrets.slack,
      MENDER_SLACK_BOT_TOKEN: 'xoxb-replay-test',
    });
  });
  afterAll(async () => {
    await mender?.close();
  });

  const post = async (route: string, request: { body: string; headers: Record<string, string> }) => {
    const response = await mender.app.request(route, { method: 'POST', headers: request.headers, body: request.body });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };
  const storedDeliveries = async (source: string) =>
    (await mender.call('GET', `/api/integrations/deliveries?source=${source}&limit=500`)).json.deliveries as unknown[];

  it('Sentry: the same signed alert under three new Request-IDs, even with a fresh unsigned timestamp, is one delivery', async () => {
    const alert = sentryAlert();
    expect(await post('/webhooks/sentry', alert(crypto.randomUUID()))).toEqual({ status: 200, json: { ok: true, duplicate: false } });
    for (let replay = 0; replay < 3; replay++) {
      // The timestamp header is not signed, so an attacker can make it look fresh.
      const answer = await post('/webhooks/sentry', alert(crypto.randomUUID(), Math.floor(Date.now() / 1000) + replay));
      expect(answer).toEqual({ status: 200, json: { ok: true, duplicate: true } });
    }
    expect(await storedDeliveries('sentry')).toHaveLength(1);
  });

  it('GitHub: the same signed body under a new X-GitHub-Delivery is acknowledged as a duplicate and stored once', async () => {
    const body = JSON.stringify({ action: 'opened', issue: { number: 7, title: 'Total is wrong', labels: [] }, repository: { full_name: 'acme/cart' } });
    const request = (deliveryId: string) => ({
      body,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issues',
        'x-github-delivery': deliveryId,
        'x-hub-signature-256': `sha256=${hmac(secrets.github, body)}`,
      },
    });
    expect(await post('/webhooks/github', request(crypto.randomUUID()))).toEqual({ status: 202, json: { accepted: true, duplicate: false } });
    expect(await post('/webhooks/github', request(crypto.randomUUID()))).toEqual({ status: 202, json: { accepted: true, duplicate: true } });
    expect(await storedDeliveries('github')).toHaveLength(1);
  });

  it('Jira: the same signed body under a new X-Atlassian-Webhook-Identifier is acknowledged as a duplicate and stored once', async () => {
    const event = jiraIssueEvent('SHOP-9', ['ai-fix']);
    expect(await post('/webhooks/jira', signedJiraRequest(secrets.jira, event, crypto.randomUUID()))).toEqual({
      status: 200,
      json: { ok: true, duplicate: false },
    });
    expect(await post('/webhooks/jira', signedJiraRequest(secrets.jira, event, crypto.randomUUID()))).toEqual({
      status: 200,
      json: { ok: true, duplicate: true },
    });
    expect(await storedDeliveries('jira')).toHaveLength(1);
  });

  it('Slack: the same signed command sent again is stored once; replayed after five minutes it is refused by the signed timestamp', async () => {
    const form = slashCommandForm('/fix', 'total() ignores quantity', 'U0REPLAY1');
    const request = signedSlackRequest(secrets.slack, form);
    expect((await post('/webhooks/slack/commands', request)).status).toBe(200);
    expect((await post('/webhooks/slack/commands', request)).status).toBe(200);
    expect(await storedDeliveries('slack')).toHaveLength(1);
    const stale = signedSlackRequest(secrets.slack, slashCommandForm('/fix', 'another', 'U0REPLAY1'), { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    const refused = await post('/webhooks/slack/commands', stale);
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe('stale_timestamp');
    expect(await storedDeliveries('slack')).toHaveLength(1);
  });

  it('a different body is still a new delivery (the check is on the signed bytes, not the kind)', async () => {
    const answer = await post('/webhooks/sentry', sentryAlert()(crypto.randomUUID()));
    expect(answer).toEqual({ status: 200, json: { ok: true, duplicate: false } });
    expect(await storedDeliveries('sentry')).toHaveLength(2);
  });
});
