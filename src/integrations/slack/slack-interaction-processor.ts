import { z } from 'zod';
import { ForbiddenError, InvalidTransitionError, NotFoundError } from '../../pipeline/pipeline-errors.ts';
import { PermanentJobError } from '../../queue/permanent-job-error.ts';
import type { DeliveryForProcessing } from '../webhook-inbox.ts';
import { actionIds, escapeMrkdwn, requestChangesCallbackId, requestChangesModal } from './slack-blocks.ts';
import { slackActor, type SlackServices } from './slack-services.ts';

/** The parts of a block_actions payload Mender reads (a button press). */
export const blockActionsPayload = z.object({
  type: z.literal('block_actions'),
  trigger_id: z.string().min(1),
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string().min(1) }).optional(),
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional(), thread_ts: z.string().optional() }).partial().optional(),
  message: z.object({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional(), action_ts: z.string().optional() })).min(1),
});

/** The parts of a view_submission payload Mender reads (the "Request changes" modal sent). */
export const viewSubmissionPayload = z.object({
  type: z.literal('view_submission'),
  trigger_id: z.string().optional(),
  user: z.object({ id: z.string().min(1) }),
  view: z.object({
    id: z.string().optional(),
    callback_id: z.string(),
    private_metadata: z.string(),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullish() }).passthrough())) }),
  }),
});

export const interactionPayload = z.discriminatedUnion('type', [blockActionsPayload, viewSubmissionPayload]);
export type InteractionPayload = z.infer<typeof interactionPayload>;

const modalMetadata = z.object({ operationId: z.string(), channel: z.string(), threadTs: z.string() });

/** Runs a stored button press or modal submission as the linked Mender user. */
export async function processInteraction(services: SlackServices, delivery: DeliveryForProcessing): Promise<string> {
  const parsed = interactionPayload.safeParse(delivery.payload);
  if (!parsed.success) throw new PermanentJobError(`stored Slack interaction is not readable: ${parsed.error.message}`);
  const payload = parsed.data;
  if (payload.type === 'view_submission') return submitRequestChanges(services, payload);
  return pressButton(services, payload);
}

async function pressButton(services: SlackServices, payload: z.infer<typeof blockActionsPayload>): Promise<string> {
  const action = payload.actions[0]!;
  const operationId = action.value ?? '';
  const slackUser = payload.user.id;
  const thread = await services.threads.of(operationId);
  const channel = thread?.channel ?? payload.channel?.id ?? payload.container?.channel_id;
  const threadTs = thread?.threadTs ?? payload.message?.thread_ts ?? payload.container?.thread_ts;
  if (!channel) throw new PermanentJobError('the button press names no channel to answer in');
  const say = (text: string) => services.messenger.post({ channel, threadTs, text });

  if (action.action_id === actionIds.showDiff) {
    const changeRequest = await services.forge.changeRequestOf(operationId);
    if (!changeRequest) {
      await say(`Operation \`${operationId}\` has no change yet.`);
      return `show diff: ${operationId} has no change`;
    }
    const limit = 3500;
    const diff =
      changeRequest.diff.length > limit
        ? `${changeRequest.diff.slice(0, limit)}\n… cut at ${limit} characters: \`mender diff ${operationId}\` shows it all`
        : changeRequest.diff;
    await say(
      `*Diff of \`${operationId}\`* (+${countLines(changeRequest.diff, '+')} −${countLines(changeRequest.diff, '-')})\n\`\`\`${escapeMrkdwn(diff)}\`\`\``,
    );
    return `showed the diff of ${operationId}`;
  }

  const what = { [actionIds.approve]: 'approve', [actionIds.reject]: 'reject', [actionIds.cancel]: 'cancel', [actionIds.requestChanges]: 'request changes on' }[
    action.action_id
  ];
  if (!what) return `ignored: unknown action ${action.action_id}`;
  // Approval levels are the pipeline's to judge (it records refusals); other decisions need a team lead, as in the API.
  const check = await slackActor(services, slackUser, action.action_id === actionIds.approve ? 'viewer' : 'team-lead', `${what} operations`);
  if (!check.ok) {
    if (action.action_id === actionIds.approve) {
      await services.operations
        .event(operationId, `slack:${slackUser}`, { type: 'approval.refused', data: { reason: check.reason, via: 'slack' } })
        .catch(() => undefined);
    }
    await say(`🚫 ${check.reason}`);
    return `refused ${what}: ${check.reason}`;
  }
  const { actor } = check;
  try {
    switch (action.action_id) {
      case actionIds.approve:
        await services.pipeline.approve(operationId, actor);
        break;
      case actionIds.reject:
        await services.pipeline.reject(operationId, actor);
        break;
      case actionIds.cancel:
        await services.pipeline.cancel(operationId, actor);
        break;
      case actionIds.requestChanges:
        // The modal must open within 3 s of the press (the trigger id expires): it is the first call made.
        await services.messenger.openView(payload.trigger_id, requestChangesModal(operationId, channel, threadTs ?? ''));
        return `opened the request-changes form for ${operationId}`;
    }
  } catch (error) {
    if (error instanceof ForbiddenError) {
      await say(`🚫 <@${slackUser}> (${actor.name}) cannot ${what} \`${operationId}\`: ${error.message}`);
      return `refused ${what}: ${error.message}`;
    }
    if (error instanceof InvalidTransitionError || error instanceof NotFoundError) {
      await services.messenger.postEphemeral({ channel, user: slackUser, threadTs, text: `⚠️ ${error.message}` });
      return `not applicable: ${error.message}`;
    }
    throw error;
  }
  return `${what} ${operationId} by ${actor.name}`;
}

async function submitRequestChanges(services: SlackServices, payload: z.infer<typeof viewSubmissionPayload>): Promise<string> {
  if (payload.view.callback_id !== requestChangesCallbackId) return `ignored: unknown modal ${payload.view.callback_id}`;
  let metadata: z.infer<typeof modalMetadata>;
  try {
    metadata = modalMetadata.parse(JSON.parse(payload.view.private_metadata));
  } catch {
    throw new PermanentJobError('the request-changes form carries no operation');
  }
  const comment = payload.view.state.values.feedback?.comment?.value?.trim() ?? '';
  const say = (text: string) => services.messenger.post({ channel: metadata.channel, threadTs: metadata.threadTs || undefined, text });
  const check = await slackActor(services, payload.user.id, 'team-lead', 'request changes');
  if (!check.ok) {
    await say(`🚫 ${check.reason}`);
    return `refused request changes: ${check.reason}`;
  }
  if (comment.length < 3) {
    await say(`⚠️ <@${payload.user.id}>: say what should change (at least 3 characters); nothing was sent to Mender.`);
    return 'refused: empty request';
  }
  try {
    await services.pipeline.requestChanges(metadata.operationId, check.actor, comment);
  } catch (error) {
    if (error instanceof InvalidTransitionError || error instanceof NotFoundError || error instanceof ForbiddenError) {
      await say(`⚠️ ${error.message}`);
      return `not applicable: ${error.message}`;
    }
    throw error;
  }
  return `changes requested on ${metadata.operationId} by ${check.actor.name}`;
}

function countLines(diff: string, sign: '+' | '-'): number {
  return diff.split('\n').filter((line) => line.startsWith(sign) && !line.startsWith(`${sign}${sign}${sign}`)).length;
}
