import { z } from 'zod';
import type { Settings } from '../../config/settings-schema.ts';
import type { Pipeline } from '../../pipeline/pipeline.ts';
import type { OperationStore } from '../../pipeline/operation-store.ts';
import { BudgetExceededError, NotFoundError } from '../../pipeline/pipeline-errors.ts';
import { PermanentJobError } from '../../queue/permanent-job-error.ts';
import type { ErrorContext } from '../../agent/task-context.ts';
import type { DeliveryForProcessing } from '../webhook-inbox.ts';
import { errorContextFromEvent, projectOfEvent, sentryEvent } from './sentry-error-context.ts';

/** Issue alerts (`Sentry-Hook-Resource: event_alert`): the event that triggered the rule. */
export const eventAlertPayload = z
  .object({ action: z.string(), data: z.object({ event: sentryEvent, triggered_rule: z.string().nullish() }).passthrough() })
  .passthrough();

/** Issue webhooks (`Sentry-Hook-Resource: issue`): a new issue, with its title and metadata but no stack. */
export const issuePayload = z
  .object({
    action: z.string(),
    data: z.object({
      issue: z
        .object({
          id: z.union([z.string(), z.number()]),
          title: z.string(),
          culprit: z.string().nullish(),
          permalink: z.string().nullish(),
          project: z.object({ slug: z.string() }).passthrough(),
          metadata: z
            .object({ type: z.string().nullish(), value: z.string().nullish(), filename: z.string().nullish(), function: z.string().nullish() })
            .passthrough()
            .nullish(),
        })
        .passthrough(),
    }),
  })
  .passthrough();

export const sentryResources = ['event_alert', 'issue'] as const;

export interface SentryServices {
  settings: Settings;
  pipeline: Pipeline;
  operations: OperationStore;
}

interface FixRequest {
  project: string | undefined;
  issueId: string;
  title: string;
  errorContext: ErrorContext;
}

function fixRequest(delivery: DeliveryForProcessing): FixRequest | string {
  if (delivery.kind === 'event_alert') {
    const parsed = eventAlertPayload.safeParse(delivery.payload);
    if (!parsed.success) throw new PermanentJobError(`stored Sentry event alert is not readable: ${parsed.error.message}`);
    const { event } = parsed.data.data;
    const errorContext = errorContextFromEvent(event);
    return {
      project: projectOfEvent(event),
      issueId: String(event.issue_id ?? event.event_id ?? delivery.deliveryId),
      title: event.title ?? errorContext.message,
      errorContext,
    };
  }
  const parsed = issuePayload.safeParse(delivery.payload);
  if (!parsed.success) throw new PermanentJobError(`stored Sentry issue webhook is not readable: ${parsed.error.message}`);
  if (parsed.data.action !== 'created') return `ignored: issue ${parsed.data.action}`;
  const { issue } = parsed.data.data;
  const metadata = issue.metadata ?? {};
  const where = metadata.filename ? `\n    at ${metadata.function ?? '<anonymous>'} (${metadata.filename})` : '';
  const message = [metadata.type, metadata.value].filter(Boolean).join(': ') || issue.title;
  const logs = [issue.culprit ? `culprit: ${issue.culprit}` : '', issue.permalink ? `Sentry: ${issue.permalink}` : ''].filter(Boolean).join('\n');
  return {
    project: issue.project.slug,
    issueId: String(issue.id),
    title: issue.title,
    errorContext: { message, ...(where ? { stack: where.trim() } : {}), ...(logs ? { logs } : {}) },
  };
}

/** Starts a fix (source `sentry`) with the stack trace as error context, once per Sentry issue while one is under way. */
export async function processSentryDelivery(services: SentryServices, delivery: DeliveryForProcessing): Promise<string> {
  const request = fixRequest(delivery);
  if (typeof request === 'string') return request;
  const checkpoint = delivery.checkpoint as { operationId?: string } | null;
  if (checkpoint?.operationId) return `operation ${checkpoint.operationId} started`;
  const repo = request.project ? services.settings.sentryProjectRepos?.[request.project] : undefined;
  if (!repo)
    return `ignored: Sentry project ${request.project ?? '(unknown)'} is not mapped to a repository (MENDER_SENTRY_PROJECT_REPOS=${request.project ?? '<slug>'}=<repo>)`;
  const marker = `Sentry issue ${request.issueId}`;
  const running = (await services.operations.nonTerminal()).find((operation) => operation.source === 'sentry' && operation.description.includes(marker));
  if (running) return `ignored: ${marker} is already being worked on by ${running.id} (${running.status})`;
  try {
    const operation = await services.pipeline.create({
      type: 'fix',
      description: `${request.title}\n\n${marker} in project ${request.project}.`,
      errorContext: request.errorContext,
      repo,
      source: 'sentry',
      actor: { id: 'sentry', name: 'sentry', role: 'team-lead' },
    });
    await delivery.saveCheckpoint({ operationId: operation.id });
    return `operation ${operation.id} started for ${marker}`;
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof BudgetExceededError) throw new PermanentJobError(error.message);
    throw error;
  }
}
