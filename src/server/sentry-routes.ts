import crypto from 'node:crypto';
import type { Hono } from 'hono';
import type { AppEnvironment } from './authenticate.ts';
import { z } from 'zod';
import type { Settings } from '../config/settings-schema.ts';
import type { WebhookInbox } from '../integrations/webhook-inbox.ts';
import { readRawBody } from '../integrations/raw-body.ts';
import { signedBytesDigest, verifyHmacSha256Hex } from '../integrations/signatures.ts';
import { requireFreshTimestamp } from '../integrations/timestamp-freshness.ts';
import { parseWebhookJson } from '../integrations/parse-webhook-body.ts';
import { WebhookRejectedError } from '../integrations/webhook-rejected-error.ts';
import { eventAlertPayload, issuePayload, sentryResources } from '../integrations/sentry/sentry-processor.ts';

/**
 * Sentry's integration webhook: `Sentry-Hook-Signature` is the hex HMAC-SHA256 of the raw body with
 * the integration's client secret; `Sentry-Hook-Timestamp` must be within five minutes;
 * `Sentry-Hook-Resource` says what it is. Issue alerts (`event_alert`) and new issues (`issue`)
 * are stored; other resources are acknowledged and dropped. Sentry wants an answer within 1 s.
 */
export function registerSentryRoutes(app: Hono<AppEnvironment>, services: { inbox: WebhookInbox; settings: Settings }): void {
  app.post('/webhooks/sentry', async (c) => {
    const secret = services.settings.sentryClientSecret;
    if (!secret)
      throw new WebhookRejectedError(
        503,
        'not_configured',
        "the Sentry integration is not configured: set MENDER_SENTRY_CLIENT_SECRET to the integration's client secret",
      );
    const raw = await readRawBody(c, services.settings.webhookBodyLimitBytes);
    const signature = c.req.header('sentry-hook-signature');
    if (!signature) throw new WebhookRejectedError(401, 'missing_signature', 'Sentry-Hook-Signature is missing');
    if (!verifyHmacSha256Hex(secret, raw, signature))
      throw new WebhookRejectedError(
        401,
        'bad_signature',
        "Sentry-Hook-Signature does not match the body: check MENDER_SENTRY_CLIENT_SECRET against the integration's client secret",
      );
    requireFreshTimestamp(c.req.header('sentry-hook-timestamp'), 'Sentry-Hook-Timestamp');
    const resource = c.req.header('sentry-hook-resource') ?? '';
    if (!(sentryResources as readonly string[]).includes(resource)) {
      parseWebhookJson(raw, z.unknown(), 'Sentry webhook');
      return c.json({ ok: true, ignored: `resource "${resource || '(none)'}" does not start fixes` });
    }
    const payload = parseWebhookJson(raw, resource === 'event_alert' ? eventAlertPayload : issuePayload, `Sentry ${resource}`);
    const deliveryId = c.req.header('request-id') ?? `sha256:${crypto.createHash('sha256').update(raw).digest('hex')}`;
    const { duplicate } = await services.inbox.accept({ source: 'sentry', deliveryId, signedDigest: signedBytesDigest(raw), kind: resource, payload });
    return c.json({ ok: true, duplicate });
  });
}
