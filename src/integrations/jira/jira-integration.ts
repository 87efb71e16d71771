import type { IntegrationDependencies } from '../integration-dependencies.ts';
import { createJiraClient } from './jira-client.ts';
import { JiraIssueLinks } from './jira-issue-links.ts';
import { JiraIssueUpdates } from './jira-issue-updates.ts';
import { processJiraDelivery } from './jira-processor.ts';

/** Jira, when MENDER_JIRA_WEBHOOK_SECRET is set: labelled issues start fixes; with the REST settings, Mender reports back on the issue. */
export function startJiraIntegration(dependencies: IntegrationDependencies): { stop(): Promise<void> } | undefined {
  const { settings, db, hub, inbox, log } = dependencies;
  if (!settings.jiraWebhookSecret) return undefined;
  const links = new JiraIssueLinks(db);
  const client =
    settings.jiraBaseUrl && settings.jiraEmail && settings.jiraApiToken
      ? createJiraClient({ baseUrl: settings.jiraBaseUrl, email: settings.jiraEmail, apiToken: settings.jiraApiToken })
      : undefined;
  if (!client)
    log.warn('Jira issues start fixes, but Mender cannot comment or transition them: set MENDER_JIRA_BASE_URL, MENDER_JIRA_EMAIL and MENDER_JIRA_API_TOKEN');
  inbox.handle('jira', (delivery) =>
    processJiraDelivery({ settings, pipeline: dependencies.pipeline, operations: dependencies.operations, links, client, log }, delivery),
  );
  const updates = client ? new JiraIssueUpdates({ settings, client, links, operations: dependencies.operations, log }) : undefined;
  const unsubscribe = updates?.follow(hub);
  return {
    async stop() {
      unsubscribe?.();
      await updates?.stop();
    },
  };
}
