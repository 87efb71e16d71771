import type { IntegrationDependencies } from '../integration-dependencies.ts';
import { processSentryDelivery } from './sentry-processor.ts';

/** Sentry, when MENDER_SENTRY_CLIENT_SECRET is set: issue alerts start fixes. */
export function startSentryIntegration(dependencies: IntegrationDependencies): { stop(): Promise<void> } | undefined {
  const { settings, inbox, pipeline, operations } = dependencies;
  if (!settings.sentryClientSecret) return undefined;
  inbox.handle('sentry', (delivery) => processSentryDelivery({ settings, pipeline, operations }, delivery));
  return { stop: async () => {} };
}
