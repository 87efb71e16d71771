import type { Env, Hono } from 'hono';
import { z } from 'zod';
import type { Settings } from '../../config/settings-schema.ts';
import { parseWebhookJson } from '../parse-webhook-body.ts';
import { readRawBody } from '../raw-body.ts';
import { sha256HeaderHex, signedBytesDigest, verifyHmacSha256Hex } from '../signatures.ts';
import type { WebhookInbox } from '../webhook-inbox.ts';
import { WebhookRejectedError } from '../webhook-rejected-error.ts';

// Only the envelope is checked here; each kind's processor parses the fields it uses.
const envelope = z.object({ action: z.string().max(100).optional(), repository: z.object({ full_name: z.string() }).passthrough().optional() }).passthrough();

const deliveryIdPattern = /^[A-Za-z0-9-]{1,100}$/;
const eventPattern = /^[a-z_]{1,60}$/;

/**
 * POST /webhooks/github (outside the bearer token): the signature over the raw bytes is checked
 * first, then the delivery is stored in the inbox and queued in one transaction and acknowledged;
 * processing happens in the queue, so a slow step never delays the answer. A redelivery (same
 * X-GitHub-Delivery) is acknowledged and stores nothing.
 */
export function registerGitHubWebhookRoute<Environment extends Env>(app: Hono<Environment>, services: { inbox: WebhookInbox; settings: Settings }): void {
  app.post('/webhooks/github', async (c) => {
    const secret = services.settings.githubWebhookSecret;
    if (!secret)
      throw new WebhookRejectedError(503, 'not_configured', 'GitHub webhooks are off: set MENDER_GITHUB_WEBHOOK_SECRET to the secret of the webhook');
    const rawBody = await readRawBody(c, services.settings.webhookBodyLimitBytes);
    const signature = sha256HeaderHex(c.req.header('x-hub-signature-256'));
    if (!verifyHmacSha256Hex(secret, rawBody, signature)) {
      throw new WebhookRejectedError(
        401,
        'bad_signature',
        'X-Hub-Signature-256 is missing or is not sha256=<HMAC of the body with the webhook secret>: check the secret in the webhook settings',
      );
    }
    const deliveryId = c.req.header('x-github-delivery') ?? '';
    const event = c.req.header('x-github-event') ?? '';
    if (!deliveryIdPattern.test(deliveryId)) throw new WebhookRejectedError(400, 'missing_delivery_id', 'X-GitHub-Delivery is missing or malformed');
    if (!eventPattern.test(event)) throw new WebhookRejectedError(400, 'missing_event', 'X-GitHub-Event is missing or malformed');
    const payload = parseWebhookJson(rawBody, envelope, 'GitHub');
    // GitHub's ping on creating the webhook: answered, nothing to do.
    if (event === 'ping') return c.json({ ok: true, event }, 200);
    const kind = payload.action ? `${event}.${payload.action}` : event;
    const { duplicate } = await services.inbox.accept({ source: 'github', deliveryId, signedDigest: signedBytesDigest(rawBody), kind, payload });
    return c.json({ accepted: true, duplicate }, 202);
  });
}
