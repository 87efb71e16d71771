import type { Database } from '../../store/database.ts';
import type { EventHub } from '../../store/event-hub.ts';
import type { WebhookInbox } from '../webhook-inbox.ts';
import { createSlackMessenger, type SlackMessenger } from './slack-messenger.ts';
import { SlackThreads } from './slack-threads.ts';
import { SlackUserLinks } from './slack-user-links.ts';
import { SlackOperationThreads } from './slack-operation-threads.ts';
import { SlackNotifications } from './slack-notifications.ts';
import { processSlashCommand } from './slack-command-processor.ts';
import { processInteraction } from './slack-interaction-processor.ts';
import type { SlackServices } from './slack-services.ts';

export type SlackDependencies = Omit<SlackServices, 'links' | 'threads' | 'operationThreads' | 'messenger'> & {
  db: Database;
  hub: EventHub;
  inbox: WebhookInbox;
  messenger?: SlackMessenger;
};

/**
 * Slack, when MENDER_SLACK_BOT_TOKEN is set: processes slash commands and button presses from the
 * inbox, keeps operation threads current, and posts notices to MENDER_SLACK_NOTIFY_CHANNEL.
 */
export function startSlackIntegration(dependencies: SlackDependencies): { stop(): Promise<void> } | undefined {
  const { settings, db, hub, inbox, log } = dependencies;
  if (!settings.slackBotToken) {
    if (settings.slackSigningSecret || settings.slackNotifyChannel) log.warn('Slack is half configured: set MENDER_SLACK_BOT_TOKEN so Mender can post');
    return undefined;
  }
  const messenger = dependencies.messenger ?? createSlackMessenger({ token: settings.slackBotToken, apiUrl: settings.slackApiUrl });
  const threads = new SlackThreads(db);
  const operationThreads = new SlackOperationThreads({
    threads,
    messenger,
    operations: dependencies.operations,
    repos: dependencies.repos,
    forge: dependencies.forge,
    log,
  });
  const services: SlackServices = { ...dependencies, links: new SlackUserLinks(db), threads, operationThreads, messenger };
  inbox.handle('slack', (delivery) => (delivery.kind === 'slash_command' ? processSlashCommand(services, delivery) : processInteraction(services, delivery)));
  const unsubscribers = [operationThreads.follow(hub)];
  let notifications: SlackNotifications | undefined;
  if (settings.slackNotifyChannel) {
    notifications = new SlackNotifications({
      channel: settings.slackNotifyChannel,
      messenger,
      operations: dependencies.operations,
      log,
      ...(settings.publicUrl ? { publicUrl: settings.publicUrl } : {}),
    });
    unsubscribers.push(notifications.follow(hub));
  }
  return {
    async stop() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      await operationThreads.stop();
      await notifications?.flush();
    },
  };
}
