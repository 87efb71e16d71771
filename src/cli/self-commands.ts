import type { Command } from 'commander';
import type { SelfEnabledView, SelfRollbackView, SelfView } from '../server/api-types.ts';
import type { ApiClient } from './api-client.ts';
import { formatSelfStatus } from './format-self.ts';

function print(json: boolean | undefined, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

/**
 * Self-maintenance (issue 17): `mender self enable` registers the checkout Mender runs from as its
 * own repository, `mender self status` shows the versions, the update in flight and its probation,
 * and the recent history; `mender self rollback` asks the supervisor for the previous version.
 */
export function registerSelfCommands(program: Command, client: () => ApiClient): void {
  const self = program.command('self').description('Mender maintaining itself: enable it, see the versions and updates, roll back');
  self
    .command('enable')
    .description('register the checkout the supervisor runs Mender from as the repository `mender` (admins)')
    .option('--name <name>', 'another name for the repository', undefined)
    .option('--json', 'machine-readable output')
    .action(async (options: { name?: string; json?: boolean }) => {
      const result = await client().request<SelfEnabledView>('POST', '/api/self/enable', options.name ? { name: options.name } : {});
      print(
        options.json,
        result,
        () =>
          `registered ${result.registered.name} (${result.registered.path}, default branch ${result.registered.defaultBranch}) as Mender's own repository\nask for a change: mender fix "<what to change>" --repo ${result.registered.name}`,
      );
    });
  self
    .command('status')
    .description('the running and previous versions, the update in flight with its probation, and the last updates')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const view = await client().request<SelfView>('GET', '/api/self');
      print(options.json, view, () => formatSelfStatus(view));
    });
  self
    .command('rollback')
    .description('go back to the previous version of Mender now (admins)')
    .option('--comment <text>', 'why, for the record')
    .option('--json', 'machine-readable output')
    .action(async (options: { comment?: string; json?: boolean }) => {
      const result = await client().request<SelfRollbackView>('POST', '/api/self/rollback', options.comment ? { comment: options.comment } : {});
      print(
        options.json,
        result,
        () =>
          `asked the supervisor to go back from ${result.requested.from.slice(0, 12)} to ${result.requested.to.slice(0, 12)}: follow it with mender self status`,
      );
    });
}
