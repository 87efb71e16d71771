import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { Settings } from '../config/settings-schema.ts';
import type { WebhookInbox } from '../integrations/webhook-inbox.ts';
import { readRawBody } from '../integrations/raw-body.ts';
import { checkShape, parseFormBody } from '../integrations/parse-webhook-body.ts';
import { WebhookRejectedError } from '../integrations/webhook-rejected-error.ts';
import { verifySlackRequest } from '../integrations/slack/slack-signature.ts';
import { acknowledgement, answersAtOnce, parseSlashCommand } from '../integrations/slack/slack-commands.ts';
import { slashCommandPayload } from '../integrations/slack/slack-command-processor.ts';
import { interactionPayload } from '../integrations/slack/slack-interaction-processor.ts';
import { SlackUserLinks } from '../integrations/slack/slack-user-links.ts';
import type { Database } from '../store/database.ts';
import type { UserStore } from '../store/user-store.ts';
import type { AppEnvironment } from './authenticate.ts';
import { HttpError } from '../http/http-error.ts';
import { parseBody } from './parse-request.ts';
import { requireRole } from './require-role.ts';

const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'a Slack member id looks like U012AB3CD (profile → ⋮ → Copy member ID)');
const linkBody = z.object({ user: z.string().min(1), slackUserId }).strict();

const handledInteractions = new Set(['block_actions', 'view_submission']);

/** Reads and verifies a Slack request: size limit, then the signature over the raw bytes, then the timestamp. */
async function verifiedSlackBody(c: Context<AppEnvironment>, settings: Settings): Promise<Buffer> {
  const missing = [!settings.slackSigningSecret && 'MENDER_SLACK_SIGNING_SECRET', !settings.slackBotToken && 'MENDER_SLACK_BOT_TOKEN'].filter(Boolean);
  if (missing.length) throw new WebhookRejectedError(503, 'not_configured', `the Slack integration is not configured: set ${missing.join(' and ')}`);
  const raw = await readRawBody(c, settings.webhookBodyLimitBytes);
  verifySlackRequest(settings.slackSigningSecret!, raw, { signature: c.req.header('x-slack-signature'), timestamp: c.req.header('x-slack-request-timestamp') });
  return raw;
}

/**
 * Slack's two request URLs (see slack-app-manifest.yml). Both answer within Slack's 3 seconds: the
 * verified request is stored in the inbox and the work happens behind, posted with chat.postMessage.
 */
export function registerSlackRoutes(app: Hono<AppEnvironment>, services: { inbox: WebhookInbox; settings: Settings; db: Database; users: UserStore }): void {
  // Which Mender user (and role) each Slack member acts as.
  app.get('/api/integrations/slack/users', requireRole('admin', 'link Slack users'), async (c) => {
    return c.json({ links: await new SlackUserLinks(services.db).list() });
  });
  app.post('/api/integrations/slack/users', requireRole('admin', 'link Slack users'), async (c) => {
    const body = await parseBody(c, linkBody);
    const user = await services.users.byName(body.user);
    if (!user) throw new HttpError(404, 'not_found', `user ${body.user} does not exist: create it with \`mender user add ${body.user} --role team-lead\``);
    await new SlackUserLinks(services.db).link(body.slackUserId, user.id);
    return c.json({ user: user.name, role: user.role, slackUserId: body.slackUserId }, 201);
  });
  app.delete('/api/integrations/slack/users/:slackUserId', requireRole('admin', 'link Slack users'), async (c) => {
    const removed = await new SlackUserLinks(services.db).unlink(c.req.param('slackUserId'));
    if (!removed) throw new HttpError(404, 'not_found', `Slack member ${c.req.param('slackUserId')} is not linked`);
    return c.json({ unlinked: c.req.param('slackUserId') });
  });

  app.post('/webhooks/slack/commands', async (c) => {
    const raw = await verifiedSlackBody(c, services.settings);
    const payload = checkShape(parseFormBody(raw), slashCommandPayload, 'Slack slash command');
    const command = parseSlashCommand(payload.command, payload.text);
    if (!answersAtOnce(command)) {
      // Slack does not retry slash commands, and gives each invocation its own trigger id.
      await services.inbox.accept({ source: 'slack', deliveryId: `command:${payload.trigger_id}`, kind: 'slash_command', payload });
    }
    return c.json({ response_type: 'ephemeral', text: acknowledgement(command) });
  });

  app.post('/webhooks/slack/interactions', async (c) => {
    const raw = await verifiedSlackBody(c, services.settings);
    const form = parseFormBody(raw);
    if (form.payload === undefined)
      throw new WebhookRejectedError(400, 'invalid_payload', 'a Slack interaction carries its JSON in the form field "payload"; it is missing');
    let json: unknown;
    try {
      json = JSON.parse(form.payload);
    } catch (error) {
      throw new WebhookRejectedError(400, 'malformed_json', `the Slack interaction payload is not valid JSON: ${(error as Error).message}`);
    }
    const { type } = checkShape(json, z.object({ type: z.string() }), 'Slack interaction');
    // Other interactions (a modal closed, a shortcut) need nothing from Mender: acknowledged, not stored.
    if (!handledInteractions.has(type)) return c.body(null, 200);
    const payload = checkShape(json, interactionPayload, 'Slack interaction');
    const id =
      payload.type === 'view_submission'
        ? `view:${payload.view.id ?? ''}:${payload.trigger_id ?? ''}`
        : `action:${payload.trigger_id}:${payload.actions[0]!.action_ts ?? ''}`;
    await services.inbox.accept({ source: 'slack', deliveryId: id, kind: payload.type, payload: json });
    // An empty 200 closes a submitted modal and leaves a pressed message as it is; Mender edits it itself.
    return c.body(null, 200);
  });
}
