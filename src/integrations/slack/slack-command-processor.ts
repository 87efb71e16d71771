import { z } from 'zod';
import { BudgetExceededError, ForbiddenError, InvalidRequestError, InvalidTransitionError, NotFoundError } from '../../pipeline/pipeline-errors.ts';
import { PermanentJobError } from '../../queue/permanent-job-error.ts';
import type { DeliveryForProcessing } from '../webhook-inbox.ts';
import { escapeMrkdwn, rootMessage, progressMessage } from './slack-blocks.ts';
import { parseSlashCommand, type SlackCommand } from './slack-commands.ts';
import { chooseRepo, slackActor, type SlackServices } from './slack-services.ts';
import { deployFromSlack } from './slack-deploy-command.ts';

/** The fields of a slash command Mender keeps (Slack sends them form-encoded). */
export const slashCommandPayload = z.object({
  command: z.string().min(1),
  text: z.string().default(''),
  user_id: z.string().min(1),
  channel_id: z.string().min(1),
  team_id: z.string().optional(),
  trigger_id: z.string().min(1),
  response_url: z.string().optional(),
});
export type SlashCommandPayload = z.infer<typeof slashCommandPayload>;

/** Errors a person can act on: shown to them instead of retried. */
function isUserError(error: unknown): error is Error {
  return (
    error instanceof NotFoundError ||
    error instanceof ForbiddenError ||
    error instanceof InvalidTransitionError ||
    error instanceof InvalidRequestError ||
    error instanceof BudgetExceededError
  );
}

/** Runs a stored slash command: starts operations, decides, answers status and list queries. */
export async function processSlashCommand(services: SlackServices, delivery: DeliveryForProcessing): Promise<string> {
  const parsed = slashCommandPayload.safeParse(delivery.payload);
  if (!parsed.success) throw new PermanentJobError(`stored slash command is not readable: ${parsed.error.message}`);
  const payload = parsed.data;
  const command = parseSlashCommand(payload.command, payload.text);
  const tell = (text: string) => services.messenger.postEphemeral({ channel: payload.channel_id, user: payload.user_id, text });
  try {
    return await run(services, delivery, payload, command, tell);
  } catch (error) {
    if (!isUserError(error)) throw error;
    await tell(`⚠️ ${error.message}`);
    return `refused: ${error.message}`;
  }
}

async function run(
  services: SlackServices,
  delivery: DeliveryForProcessing,
  payload: SlashCommandPayload,
  command: SlackCommand,
  tell: (text: string) => Promise<void>,
): Promise<string> {
  switch (command.kind) {
    case 'start':
      return startOperation(services, delivery, payload, command, tell);
    case 'decide': {
      const minimum = command.decision === 'approve' ? 'viewer' : 'team-lead'; // the pipeline checks the approval level itself
      const check = await slackActor(services, payload.user_id, minimum, `${command.decision} operations`);
      if (!check.ok) {
        if (command.decision === 'approve')
          await services.operations
            .event(command.operationId, `slack:${payload.user_id}`, { type: 'approval.refused', data: { reason: check.reason, via: 'slack' } })
            .catch(() => undefined);
        await tell(`🚫 ${check.reason}`);
        return `refused: ${check.reason}`;
      }
      const { actor } = check;
      if (command.decision === 'approve') await services.pipeline.approve(command.operationId, actor, command.comment);
      else if (command.decision === 'reject') await services.pipeline.reject(command.operationId, actor, command.comment);
      else await services.pipeline.retry(command.operationId, actor);
      await tell(`Done: ${command.decision} ${command.operationId} as ${actor.name}.`);
      return `${command.decision} ${command.operationId} by ${actor.name}`;
    }
    case 'status': {
      const operation = await services.operations.get(command.operationId);
      const message = progressMessage(operation, await services.operations.timeline(operation.id));
      await services.messenger.postEphemeral({ channel: payload.channel_id, user: payload.user_id, ...message });
      return `status of ${operation.id}`;
    }
    case 'list': {
      const rows = await services.operations.list({ status: command.status, limit: 10, offset: 0 });
      const lines = rows.map(
        (row) => `\`${row.id}\` ${row.type} *${row.status.replaceAll('_', ' ')}* · ${escapeMrkdwn(row.description.split('\n')[0]!.slice(0, 80))}`,
      );
      await tell(lines.length ? `*Latest operations${command.status ? ` (${command.status})` : ''}*\n${lines.join('\n')}` : 'No operations yet.');
      return `listed ${rows.length} operations`;
    }
    case 'pause':
    case 'resume': {
      const check = await slackActor(services, payload.user_id, command.kind === 'pause' ? 'team-lead' : 'admin', `${command.kind} the agent`);
      if (!check.ok) {
        await tell(`🚫 ${check.reason}`);
        return `refused: ${check.reason}`;
      }
      if (command.kind === 'pause') await services.control.pause(check.actor.name, command.reason);
      else await services.control.resume(check.actor.name);
      const text =
        command.kind === 'pause'
          ? `⏸️ <@${payload.user_id}> paused Mender${command.reason ? `: ${escapeMrkdwn(command.reason)}` : ''}. Nothing new starts until \`/agent resume\`.`
          : `▶️ <@${payload.user_id}> resumed Mender.`;
      await services.messenger.post({ channel: payload.channel_id, text });
      return `${command.kind}d by ${check.actor.name}`;
    }
    case 'deploy':
      return deployFromSlack(services, delivery, payload, command, tell);
    case 'help':
    case 'usage':
      // Answered in the HTTP response already; nothing to do behind it.
      return `answered at once (${command.kind})`;
  }
}

/**
 * Starts an operation and its Slack thread: a root message, and the progress message in its thread
 * that is edited from then on. Each step is checkpointed, so a retried delivery continues where the
 * last attempt stopped instead of starting a second operation.
 */
async function startOperation(
  services: SlackServices,
  delivery: DeliveryForProcessing,
  payload: SlashCommandPayload,
  command: Extract<SlackCommand, { kind: 'start' }>,
  tell: (text: string) => Promise<void>,
): Promise<string> {
  const checkpoint = { ...(delivery.checkpoint ?? {}) } as { operationId?: string; rootTs?: string };
  if (!checkpoint.operationId) {
    const check = await slackActor(services, payload.user_id, 'team-lead', `start a ${command.type}`);
    if (!check.ok) {
      await tell(`🚫 ${check.reason}`);
      return `refused: ${check.reason}`;
    }
    const repo = await chooseRepo(services, command.repo);
    if (!repo.ok) {
      await tell(`⚠️ ${repo.reason}`);
      return `refused: ${repo.reason}`;
    }
    const created = await services.pipeline.create({
      type: command.type,
      description: command.description,
      errorContext: command.errorContext,
      repo: repo.repo,
      source: 'slack',
      actor: check.actor,
    });
    checkpoint.operationId = created.id;
    await delivery.saveCheckpoint(checkpoint);
  }
  const operationId = checkpoint.operationId;
  if (await services.threads.of(operationId)) return `operation ${operationId} started`;
  const operation = await services.operations.get(operationId);
  const repoName = (await services.repos.byId(operation.repoId))?.name ?? operation.repoId;
  if (!checkpoint.rootTs) {
    checkpoint.rootTs = (await services.messenger.post({ channel: payload.channel_id, ...rootMessage(operation, repoName, payload.user_id) })).ts;
    await delivery.saveCheckpoint(checkpoint);
  }
  const progress = progressMessage(operation, await services.operations.timeline(operationId));
  const { ts: progressTs } = await services.messenger.post({ channel: payload.channel_id, threadTs: checkpoint.rootTs, ...progress });
  await services.threads.create({ operationId, channel: payload.channel_id, threadTs: checkpoint.rootTs, progressTs, requestedBy: payload.user_id });
  // Events that came before the thread existed found nothing to edit: catch up now.
  await services.operationThreads.refresh(operationId);
  return `operation ${operationId} started`;
}
