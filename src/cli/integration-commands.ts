import type { Command } from 'commander';
import type { ApiClient } from './api-client.ts';
import type { DeliveryList } from '../server/api-types.ts';

function print(json: boolean, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

/** `mender integrations deliveries` (the webhook inbox) and `mender user link|unlink|links` (Slack members → users). */
export function registerIntegrationCommands(program: Command, client: () => ApiClient): void {
  const user = program.commands.find((command) => command.name() === 'user') ?? program.command('user').description('users, roles and API tokens (admin)');
  user
    .command('link <name>')
    .description('let a Slack member act as this Mender user (and role) in Slack commands and buttons (admin)')
    .requiredOption('--slack <memberId>', 'the Slack member id, e.g. U012AB3CD (Slack profile → ⋮ → Copy member ID)')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { slack: string; json?: boolean }) => {
      const result = await client().request<{ user: string; role: string; slackUserId: string }>('POST', '/api/integrations/slack/users', {
        user: name,
        slackUserId: options.slack,
      });
      print(!!options.json, result, () => `Slack member ${result.slackUserId} now acts as ${result.user} (${result.role})`);
    });
  user
    .command('unlink')
    .description('stop a Slack member acting as a Mender user (admin)')
    .requiredOption('--slack <memberId>', 'the Slack member id')
    .action(async (options: { slack: string }) => {
      await client().request('DELETE', `/api/integrations/slack/users/${encodeURIComponent(options.slack)}`);
      process.stdout.write(`Slack member ${options.slack} is no longer linked\n`);
    });
  user
    .command('links')
    .description('Slack members and the Mender users they act as (admin)')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const result = await client().request<{ links: { slackUserId: string; userName: string; role: string }[] }>('GET', '/api/integrations/slack/users');
      print(
        !!options.json,
        result,
        () =>
          result.links.map((link) => `${link.slackUserId}  ${link.userName} (${link.role})`).join('\n') ||
          'no Slack members linked: mender user link <name> --slack <memberId>',
      );
    });

  const integrations = program.command('integrations').description('Slack, Jira, Sentry and GitHub webhooks');
  integrations
    .command('deliveries')
    .description('webhook deliveries, newest first, with status, attempts and the last error (admin)')
    .option('--source <source>', 'only this source: slack, jira, sentry, github')
    .option('--status <status>', 'only this status: queued, processing, retrying, processed, failed')
    .option('--limit <n>', 'how many (default 50)')
    .option('--json', 'machine-readable output')
    .action(async (options: { source?: string; status?: string; limit?: string; json?: boolean }) => {
      const query = new URLSearchParams();
      if (options.source) query.set('source', options.source);
      if (options.status) query.set('status', options.status);
      if (options.limit) query.set('limit', options.limit);
      const result = await client().request<DeliveryList>('GET', `/api/integrations/deliveries${query.size ? `?${query}` : ''}`);
      print(!!options.json, result, () =>
        result.deliveries.length === 0
          ? 'no webhook deliveries yet'
          : result.deliveries
              .map(
                (delivery) =>
                  `${delivery.receivedAt}  ${delivery.source.padEnd(7)} ${delivery.kind.padEnd(16)} ${delivery.status.padEnd(10)} attempts ${delivery.attempts}  ${delivery.deliveryId}` +
                  (delivery.outcome ? `\n    ${delivery.outcome}` : '') +
                  (delivery.lastError ? `\n    last error: ${delivery.lastError}` : ''),
              )
              .join('\n'),
      );
    });
}
