import type { DeliveryForProcessing } from '../webhook-inbox.ts';
import { escapeMrkdwn } from './slack-blocks.ts';
import type { SlackCommand } from './slack-commands.ts';
import { slackActor, type SlackServices } from './slack-services.ts';

/** The repository `/deploy` ships: the one named, else the only one with deploy settings; otherwise what to name. */
async function deployableRepo(services: SlackServices, named: string | undefined): Promise<{ ok: true; repo: string } | { ok: false; reason: string }> {
  if (named) return { ok: true, repo: named };
  const deployable = (await services.repos.list()).filter((repo) => repo.deploy).map((repo) => repo.name);
  if (deployable.length === 1) return { ok: true, repo: deployable[0]! };
  if (deployable.length === 0)
    return { ok: false, reason: 'No repository has deploy settings yet: give one some with `mender repo deploy <repo> …` (docs/deploy.md).' };
  return { ok: false, reason: `Several repositories deploy (${deployable.join(', ')}): name one, e.g. \`/deploy <environment> ${deployable[0]}\`.` };
}

/**
 * `/deploy <environment> [repo]`: asks the deploy runner for a deployment of the repository's
 * default branch as the Slack user's Mender user (team lead or above; the deploy gate then decides
 * who approves), and posts its id, status and dashboard link in the channel. The deployment's id is
 * checkpointed, so a retried delivery does not ask twice.
 */
export async function deployFromSlack(
  services: SlackServices,
  delivery: DeliveryForProcessing,
  payload: { user_id: string; channel_id: string },
  command: Extract<SlackCommand, { kind: 'deploy' }>,
  tell: (text: string) => Promise<void>,
): Promise<string> {
  const checkpoint = { ...(delivery.checkpoint ?? {}) } as { deploymentId?: string; posted?: boolean };
  if (checkpoint.posted) return `deployment ${checkpoint.deploymentId} asked`;
  const check = await slackActor(services, payload.user_id, 'team-lead', 'deploy');
  if (!check.ok) {
    await tell(`🚫 ${check.reason}`);
    return `refused: ${check.reason}`;
  }
  const chosen = await deployableRepo(services, command.repo);
  if (!chosen.ok) {
    await tell(`⚠️ ${chosen.reason}`);
    return `refused: ${chosen.reason}`;
  }
  const deployment = await services.deployments.request({ repo: chosen.repo, environment: command.environment, actor: check.actor.name });
  checkpoint.deploymentId = deployment.id;
  await delivery.saveCheckpoint(checkpoint);
  const status = deployment.status.replaceAll('_', ' ');
  const link = services.settings.publicUrl ? ` · <${services.settings.publicUrl.replace(/\/$/, '')}/deployments/${deployment.id}|open it>` : '';
  const next = deployment.status === 'awaiting_approval' ? ` — approve with \`mender deployment approve ${deployment.id}\`` : '';
  await services.messenger.post({
    channel: payload.channel_id,
    text: `🚀 <@${payload.user_id}> asked to deploy ${escapeMrkdwn(chosen.repo)} \`${deployment.commit.slice(0, 12)}\` to ${escapeMrkdwn(deployment.environment)}: deployment \`${deployment.id}\` is *${status}*${next}${link}`,
  });
  checkpoint.posted = true;
  await delivery.saveCheckpoint(checkpoint);
  return `deployment ${deployment.id} asked by ${check.actor.name}`;
}
