import type { Command } from 'commander';
import type { ApiClient } from './api-client.ts';
import type { DeliveryView } from '../server/webhook-routes.ts';

function print(json: boolean, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

/** `mender integrations deliveries`: the webhook inbox (admin). */
export function registerIntegrationCommands(program: Command, client: () => ApiClient): void {
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
      const result = await client().request<{ deliveries: DeliveryView[] }>('GET', `/api/integrations/deliveries${query.size ? `?${query}` : ''}`);
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
