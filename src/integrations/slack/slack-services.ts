import type { Settings } from '../../config/settings-schema.ts';
import type { Pipeline } from '../../pipeline/pipeline.ts';
import type { OperationStore } from '../../pipeline/operation-store.ts';
import type { AgentControl } from '../../pipeline/agent-control.ts';
import type { Forge } from '../../forge/forge.ts';
import type { RepoStore } from '../../store/repo-store.ts';
import type { Logger } from '../../logging/logger.ts';
import { roleAtLeast, type Actor, type Role } from '../../domain/roles.ts';
import type { SlackMessenger } from './slack-messenger.ts';
import type { SlackThreads } from './slack-threads.ts';
import type { SlackUserLinks } from './slack-user-links.ts';
import type { SlackOperationThreads } from './slack-operation-threads.ts';
import type { DeployRunner } from '../../pipeline/ship/deploy-runner.ts';

/** What the Slack processors work with. */
export interface SlackServices {
  settings: Settings;
  pipeline: Pipeline;
  operations: OperationStore;
  repos: RepoStore;
  forge: Forge;
  control: AgentControl;
  links: SlackUserLinks;
  threads: SlackThreads;
  operationThreads: SlackOperationThreads;
  messenger: SlackMessenger;
  /** Ship and watch: `/deploy` asks for a deployment as the linked Mender user. */
  deployments: Pick<DeployRunner, 'request'>;
  log: Logger;
}

export type ActorCheck = { ok: true; actor: Actor } | { ok: false; reason: string };

/** The Mender user a Slack user acts as, if linked and at least `minimum`; otherwise the reason, ready to show. */
export async function slackActor(services: SlackServices, slackUserId: string, minimum: Role, what: string): Promise<ActorCheck> {
  const actor = await services.links.actorFor(slackUserId);
  if (!actor) {
    return {
      ok: false,
      reason: `<@${slackUserId}> is not linked to a Mender user, so Mender cannot tell their role and will not ${what}. An admin can link them: \`mender user link <name> --slack ${slackUserId}\``,
    };
  }
  if (!roleAtLeast(actor.role, minimum))
    return { ok: false, reason: `<@${slackUserId}> acts as ${actor.name}, a ${actor.role}; only a ${minimum} or above may ${what}` };
  return { ok: true, actor };
}

/**
 * The repository a command works on: `repo:<name>` when given, else MENDER_SLACK_DEFAULT_REPO,
 * else the only registered repository. Otherwise a message that says how to choose.
 */
export async function chooseRepo(services: SlackServices, named: string | undefined): Promise<{ ok: true; repo: string } | { ok: false; reason: string }> {
  const repos = (await services.repos.list()).map((repo) => repo.name);
  const wanted = named ?? services.settings.slackDefaultRepo;
  if (wanted) {
    if (repos.includes(wanted)) return { ok: true, repo: wanted };
    return { ok: false, reason: `Repository "${wanted}" is not registered${repos.length ? ` (registered: ${repos.join(', ')})` : ''}.` };
  }
  if (repos.length === 1) return { ok: true, repo: repos[0]! };
  if (repos.length === 0) return { ok: false, reason: 'No repository is registered yet: an admin can add one with `mender repo add <path>`.' };
  return {
    ok: false,
    reason: `Several repositories are registered (${repos.join(', ')}): start the text with \`repo:<name>\`, or set MENDER_SLACK_DEFAULT_REPO.`,
  };
}
