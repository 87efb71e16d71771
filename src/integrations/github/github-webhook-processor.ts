import { z } from 'zod';
import type { Settings } from '../../config/settings-schema.ts';
import type { GitHubClient } from '../../forge/github/github-client.ts';
import type { GitHubForge } from '../../forge/github/github-forge.ts';
import type { GitHubRepositoryRow } from '../../forge/github/github-records.ts';
import { menderMarker } from '../../forge/github/pull-request-body.ts';
import type { Logger } from '../../logging/logger.ts';
import type { Pipeline } from '../../pipeline/pipeline.ts';
import type { OperationStore } from '../../pipeline/operation-store.ts';
import { ForbiddenError, InvalidTransitionError, NotFoundError, BudgetExceededError } from '../../pipeline/pipeline-errors.ts';
import { terminalStatuses, type OperationStatus } from '../../domain/operation-vocabulary.ts';
import type { RepoStore } from '../../store/repo-store.ts';
import { roleAtLeast, type Actor } from '../../domain/roles.ts';
import { PermanentJobError } from '../../queue/permanent-job-error.ts';
import type { DeliveryForProcessing, DeliveryProcessor } from '../webhook-inbox.ts';
import { parseMenderCommand, roleForPermission } from './github-command.ts';

const user = z.object({ login: z.string().min(1), type: z.string().optional() }).passthrough();
const repository = z.object({ name: z.string(), owner: z.object({ login: z.string() }).passthrough() }).passthrough();
const issue = z
  .object({ number: z.number().int().positive(), title: z.string(), body: z.string().nullish(), pull_request: z.object({}).passthrough().nullish() })
  .passthrough();

const labeledPayload = z
  .object({ action: z.literal('labeled'), label: z.object({ name: z.string() }).passthrough(), issue, repository, sender: user })
  .passthrough();
const commentPayload = z
  .object({ action: z.literal('created'), comment: z.object({ body: z.string(), user }).passthrough(), issue, repository, sender: user })
  .passthrough();

export interface GitHubWebhookDependencies {
  pipeline: Pipeline;
  operations: OperationStore;
  repos: RepoStore;
  forge: GitHubForge;
  client: GitHubClient | undefined;
  settings: Pick<Settings, 'githubTriggerLabel'>;
  log: Logger;
}

type Conversation = { repository: GitHubRepositoryRow; repoName: string; number: number };

const startedComment = (operationId: string, actor: Actor) =>
  `Mender started fix operation \`${operationId}\` for ${actor.name}. Follow it with \`mender status ${operationId}\`; the pull request will be linked here once the change is verified.`;

/**
 * Processes GitHub deliveries from the inbox: an issue labelled with the trigger label starts a
 * fix; `@mender fix | approve | reject | retry` in a comment acts with the commenter's role, taken
 * from their permission on the repository. Refusals are answered in the conversation.
 */
export function createGitHubWebhookProcessor(dependencies: GitHubWebhookDependencies): DeliveryProcessor {
  const { forge } = dependencies;

  async function conversationOf(payload: { repository: z.infer<typeof repository>; issue: { number: number } }): Promise<Conversation | undefined> {
    const row = await forge.records.repositoryByName(payload.repository.owner.login, payload.repository.name);
    if (!row) return undefined;
    const repo = await dependencies.repos.byId(row.repoId);
    return repo ? { repository: row, repoName: repo.name, number: payload.issue.number } : undefined;
  }

  /** The commenter as a Mender actor, with the role their permission on the repository gives. */
  async function actorFor(conversation: Conversation, login: string): Promise<Actor> {
    if (!dependencies.client) throw new PermanentJobError('GitHub is not configured: set MENDER_GITHUB_TOKEN or a GitHub App');
    const answer = await dependencies.client.octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: conversation.repository.owner,
      repo: conversation.repository.name,
      username: login,
    });
    const data = answer.data as { permission?: string; role_name?: string };
    return { id: `github:${login}`, name: `github:${login}`, role: roleForPermission(data.role_name === 'maintain' ? 'maintain' : data.permission) };
  }

  const reply = (conversation: Conversation, text: string) => forge.postComment(conversation.repository, conversation.number, text);

  async function startFix(conversation: Conversation, actor: Actor, item: z.infer<typeof issue>, deliveryId: string): Promise<string> {
    const started = await forge.records.operationOfDelivery(deliveryId);
    if (started) {
      // A retry of a delivery whose operation exists: only the comment may be missing.
      await reply(conversation, startedComment(started, actor));
      return `operation ${started} created`;
    }
    const existing = await forge.records.operationOfIssue(conversation.repository.repoId, item.number);
    if (existing) {
      const operation = await dependencies.operations.get(existing);
      if (!terminalStatuses.has(operation.status as OperationStatus)) {
        await reply(conversation, `Mender is already working on this in operation \`${existing}\` (${operation.status}).`);
        return `ignored: operation ${existing} is already ${operation.status}`;
      }
    }
    const reference = `GitHub ${item.pull_request ? 'pull request' : 'issue'} ${conversation.repository.owner}/${conversation.repository.name}#${item.number}`;
    let operation;
    try {
      // Title and body are untrusted: the pipeline keeps task text inside its untrusted blocks.
      operation = await dependencies.pipeline.create({
        type: 'fix',
        description: `${item.title}\n\n${item.body ?? ''}\n\n(${reference})`.trim(),
        repo: conversation.repoName,
        source: 'github',
        actor,
      });
    } catch (error) {
      if (error instanceof BudgetExceededError || error instanceof NotFoundError) {
        await reply(conversation, `Mender cannot start a fix: ${error.message}`);
        return `refused: ${error.message}`;
      }
      throw error;
    }
    await forge.records.linkIssue(operation.id, conversation.repository.repoId, item.number, deliveryId);
    await reply(conversation, startedComment(operation.id, actor));
    return `operation ${operation.id} created`;
  }

  async function onLabeled(delivery: DeliveryForProcessing): Promise<string> {
    const parsed = labeledPayload.safeParse(delivery.payload);
    if (!parsed.success) throw new PermanentJobError(`issues.labeled payload is not what Mender expects: ${parsed.error.issues[0]?.message}`);
    const payload = parsed.data;
    if (payload.label.name !== dependencies.settings.githubTriggerLabel)
      return `ignored: label ${payload.label.name} is not ${dependencies.settings.githubTriggerLabel}`;
    const conversation = await conversationOf(payload);
    if (!conversation) return `ignored: ${payload.repository.owner.login}/${payload.repository.name} is not registered`;
    const actor = await actorFor(conversation, payload.sender.login);
    return startFix(conversation, actor, payload.issue, delivery.deliveryId);
  }

  async function onComment(delivery: DeliveryForProcessing): Promise<string> {
    const parsed = commentPayload.safeParse(delivery.payload);
    if (!parsed.success) throw new PermanentJobError(`issue_comment.created payload is not what Mender expects: ${parsed.error.issues[0]?.message}`);
    const payload = parsed.data;
    const author = payload.comment.user;
    if (author.type === 'Bot' || payload.comment.body.includes(menderMarker) || author.login === (await dependencies.client?.login()))
      return 'ignored: a comment by Mender or another bot';
    const command = parseMenderCommand(payload.comment.body);
    if (!command) return 'ignored: no @mender command';
    const conversation = await conversationOf(payload);
    if (!conversation) return `ignored: ${payload.repository.owner.login}/${payload.repository.name} is not registered`;
    const actor = await actorFor(conversation, author.login);
    if (command.command !== 'approve' && !roleAtLeast(actor.role, 'team-lead')) {
      await reply(
        conversation,
        `@${author.login} cannot ${command.command}: ${actor.name} is ${actor.role} (from their permission on ${conversation.repository.owner}/${conversation.repository.name}); it needs write, maintain or admin.`,
      );
      return `refused: ${actor.name} is ${actor.role}`;
    }
    const operationId = payload.issue.pull_request
      ? await forge.records.operationOfPullRequest(conversation.repository.repoId, payload.issue.number)
      : await forge.records.operationOfIssue(conversation.repository.repoId, payload.issue.number);
    if (command.command === 'fix') {
      if (payload.issue.pull_request && operationId) {
        // Mender's own pull request: its text is a plan, not a task.
        await reply(
          conversation,
          `This pull request is Mender operation \`${operationId}\`: comment \`@mender approve\`, \`@mender reject\` or \`@mender retry\` instead.`,
        );
        return `ignored: fix on the pull request of ${operationId}`;
      }
      return startFix(conversation, actor, payload.issue, delivery.deliveryId);
    }
    if (!operationId) {
      await reply(
        conversation,
        `No Mender operation belongs to this ${payload.issue.pull_request ? 'pull request' : 'issue'}; comment \`@mender fix\` to start one.`,
      );
      return 'ignored: no operation';
    }
    try {
      if (command.command === 'approve') await dependencies.pipeline.approve(operationId, actor, command.comment);
      else if (command.command === 'reject') await dependencies.pipeline.reject(operationId, actor, command.comment);
      else await dependencies.pipeline.retry(operationId, actor);
    } catch (error) {
      if (error instanceof ForbiddenError || error instanceof InvalidTransitionError) {
        await reply(conversation, `@${author.login} cannot ${command.command} operation \`${operationId}\`: ${error.message}`);
        return `refused: ${error.message}`;
      }
      throw error;
    }
    return `${command.command} of ${operationId} by ${actor.name}`;
  }

  return async (delivery) => {
    if (delivery.kind === 'issues.labeled') return onLabeled(delivery);
    if (delivery.kind === 'issue_comment.created') return onComment(delivery);
    return `ignored: ${delivery.kind}`;
  };
}
