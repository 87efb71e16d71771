import type { IntegrationDependencies } from './integration-dependencies.ts';
import { startSlackIntegration } from './slack/slack-integration.ts';
import { startJiraIntegration } from './jira/jira-integration.ts';
import { startSentryIntegration } from './sentry/sentry-integration.ts';

export type { IntegrationDependencies };

/** Registers the configured integrations' webhook processors and event followers. Call before `inbox.start()`. */
export function startIntegrations(dependencies: IntegrationDependencies): { stop(): Promise<void> } {
  const started = [startSlackIntegration(dependencies), startJiraIntegration(dependencies), startSentryIntegration(dependencies)].filter(
    (integration) => integration !== undefined,
  );
  return {
    async stop() {
      await Promise.all(started.map((integration) => integration.stop()));
    },
  };
}
