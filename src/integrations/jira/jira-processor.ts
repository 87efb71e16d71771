import { z } from 'zod';
import type { Settings } from '../../config/settings-schema.ts';
import type { Pipeline } from '../../pipeline/pipeline.ts';
import type { OperationStore } from '../../pipeline/operation-store.ts';
import { terminalStatuses, type OperationStatus } from '../../domain/operation-vocabulary.ts';
import { BudgetExceededError, NotFoundError } from '../../pipeline/pipeline-errors.ts';
import { PermanentJobError } from '../../queue/permanent-job-error.ts';
import type { Logger } from '../../logging/logger.ts';
import type { DeliveryForProcessing } from '../webhook-inbox.ts';
import { documentToText, type JiraClient } from './jira-client.ts';
import type { JiraIssueLinks } from './jira-issue-links.ts';

/** The parts of a Jira issue webhook Mender reads. */
export const jiraWebhookPayload = z.object({
  webhookEvent: z.string().min(1),
  timestamp: z.number().optional(),
  user: z.object({ accountId: z.string().optional(), displayName: z.string().optional() }).partial().optional(),
  issue: z
    .object({
      id: z.string(),
      key: z.string().regex(/^[A-Z][A-Z0-9_]*-\d+$/, 'must be an issue key like SHOP-12'),
      fields: z.object({
        summary: z.string().default(''),
        description: z.unknown().optional(),
        labels: z.array(z.string()).default([]),
        project: z.object({ key: z.string() }),
      }),
    })
    .optional(),
  changelog: z.object({ items: z.array(z.object({ field: z.string(), toString: z.string().nullish() }).passthrough()).default([]) }).optional(),
});
export type JiraWebhookPayload = z.infer<typeof jiraWebhookPayload>;

export interface JiraServices {
  settings: Settings;
  pipeline: Pipeline;
  operations: OperationStore;
  links: JiraIssueLinks;
  /** Undefined when MENDER_JIRA_BASE_URL, _EMAIL or _API_TOKEN is missing: issues still start fixes, Jira just hears nothing back. */
  client: JiraClient | undefined;
  log: Logger;
}

const issueEvents = new Set(['jira:issue_created', 'jira:issue_updated']);

/** Starts a fix for an issue that carries the AI-Fix label (once per issue while one is under way), then comments and moves it to In Progress. */
export async function processJiraDelivery(services: JiraServices, delivery: DeliveryForProcessing): Promise<string> {
  const parsed = jiraWebhookPayload.safeParse(delivery.payload);
  if (!parsed.success) throw new PermanentJobError(`stored Jira webhook is not readable: ${parsed.error.message}`);
  const payload = parsed.data;
  const issue = payload.issue;
  if (!issueEvents.has(payload.webhookEvent) || !issue) return `ignored: ${payload.webhookEvent} is not an issue created or updated`;
  const label = services.settings.jiraLabel.toLowerCase();
  if (!issue.fields.labels.some((item) => item.toLowerCase() === label)) return `ignored: ${issue.key} has no ${services.settings.jiraLabel} label`;

  const checkpoint = { ...(delivery.checkpoint ?? {}) } as { operationId?: string; announced?: boolean };
  if (!checkpoint.operationId) {
    const project = issue.fields.project.key;
    const repo = services.settings.jiraProjectRepos?.[project];
    if (!repo) return `ignored: Jira project ${project} is not mapped to a repository (MENDER_JIRA_PROJECT_REPOS=${project}=<repo>)`;
    for (const link of await services.links.ofIssue(issue.key)) {
      const operation = await services.operations.get(link.operationId);
      if (!terminalStatuses.has(operation.status as OperationStatus))
        return `ignored: ${issue.key} is already being worked on by ${operation.id} (${operation.status})`;
    }
    const details = documentToText(issue.fields.description).trim();
    const requester = payload.user?.displayName ?? payload.user?.accountId ?? 'unknown';
    try {
      const operation = await services.pipeline.create({
        type: 'fix',
        description: `${issue.key}: ${issue.fields.summary}${details ? `\n\n${details}` : ''}`,
        repo,
        source: 'jira',
        actor: { id: 'jira', name: `jira:${requester}`, role: 'team-lead' },
      });
      checkpoint.operationId = operation.id;
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof BudgetExceededError) throw new PermanentJobError(error.message);
      throw error;
    }
    await services.links.link(checkpoint.operationId, issue.key);
    await delivery.saveCheckpoint(checkpoint);
  }
  if (!checkpoint.announced && services.client) {
    await services.client.comment(
      issue.key,
      `Mender started fix ${checkpoint.operationId}: it will plan, write a failing test, fix, verify and ask for approval. Progress is posted here.`,
    );
    const moved = await services.client.transition(issue.key, services.settings.jiraTransitionStarted);
    if (!moved.applied)
      services.log.warn('jira transition not available', { issue: issue.key, wanted: services.settings.jiraTransitionStarted, available: moved.available });
    checkpoint.announced = true;
    await delivery.saveCheckpoint(checkpoint);
  }
  return `operation ${checkpoint.operationId} started for ${issue.key}`;
}
