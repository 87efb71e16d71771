import crypto from 'node:crypto';
import type { Hono } from 'hono';
import type { AppEnvironment } from './authenticate.ts';
import type { Settings } from '../config/settings-schema.ts';
import type { WebhookInbox } from '../integrations/webhook-inbox.ts';
import { readRawBody } from '../integrations/raw-body.ts';
import { sha256HeaderHex, signedBytesDigest, verifyHmacSha256Hex } from '../integrations/signatures.ts';
import { parseWebhookJson } from '../integrations/parse-webhook-body.ts';
import { WebhookRejectedError } from '../integrations/webhook-rejected-error.ts';
import { jiraWebhookPayload } from '../integrations/jira/jira-processor.ts';

/**
 * Jira's webhook. Jira signs with the webhook's secret: `X-Hub-Signature: sha256=<hex HMAC-SHA256
 * of the raw body>`. Jira sends no signed timestamp and its `X-Atlassian-Webhook-Identifier` is not
 * signed: a replay is caught by the digest of the signed body (kept with the delivery), whatever id it carries.
 */
export function registerJiraRoutes(app: Hono<AppEnvironment>, services: { inbox: WebhookInbox; settings: Settings }): void {
  app.post('/webhooks/jira', async (c) => {
    const secret = services.settings.jiraWebhookSecret;
    if (!secret)
      throw new WebhookRejectedError(503, 'not_configured', "the Jira integration is not configured: set MENDER_JIRA_WEBHOOK_SECRET to the webhook's secret");
    const raw = await readRawBody(c, services.settings.webhookBodyLimitBytes);
    const header = c.req.header('x-hub-signature');
    if (!header)
      throw new WebhookRejectedError(
        401,
        'missing_signature',
        'X-Hub-Signature is missing: give the Jira webhook a secret (the same as MENDER_JIRA_WEBHOOK_SECRET)',
      );
    if (!verifyHmacSha256Hex(secret, raw, sha256HeaderHex(header)))
      throw new WebhookRejectedError(
        401,
        'bad_signature',
        "X-Hub-Signature does not match the body: check MENDER_JIRA_WEBHOOK_SECRET against the webhook's secret",
      );
    const payload = parseWebhookJson(raw, jiraWebhookPayload, 'Jira webhook');
    const deliveryId = c.req.header('x-atlassian-webhook-identifier') ?? `sha256:${crypto.createHash('sha256').update(raw).digest('hex')}`;
    const { duplicate } = await services.inbox.accept({
      source: 'jira',
      deliveryId,
      signedDigest: signedBytesDigest(raw),
      kind: payload.webhookEvent,
      payload: JSON.parse(raw.toString('utf8')) as unknown,
    });
    return c.json({ ok: true, duplicate });
  });
}
