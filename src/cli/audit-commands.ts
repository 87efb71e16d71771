import fs from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { ApiClient } from './api-client.ts';
import type { AuditPage, AuditVerification } from '../server/api-types.ts';

interface AuditFilterOptions {
  actor?: string;
  action?: string;
  subject?: string;
}

const exportPageSize = 1000;

/** `mender audit verify` and `mender audit export`, through the HTTP API. */
export function registerAuditCommands(program: Command, client: () => ApiClient): void {
  const audit = program.command('audit').description('the hash-chained audit log of every action');

  audit
    .command('verify')
    .description('recompute the hash chain and report the first changed, missing or reordered row (exit 1 when broken)')
    .option(
      '--anchor <sequence:hash>',
      'a row printed by an earlier verify (or the last line of an export) that must still be there: detects deleted newest rows',
    )
    .option('--json', 'machine-readable output')
    .action(async (options: { anchor?: string; json?: boolean }) => {
      const query = options.anchor ? `?${new URLSearchParams({ anchor: options.anchor })}` : '';
      const result = await client().request<AuditVerification>('GET', `/api/audit/verify${query}`);
      if (!result.ok) process.exitCode = 1;
      process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${describeVerification(result, !!options.anchor)}\n`);
    });

  audit
    .command('export')
    .description('write the audit log as JSON lines, oldest first')
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--actor <actor>', 'only rows by this actor')
    .option('--action <action>', 'only rows with this action, e.g. operation.created')
    .option('--subject <subject>', 'only rows about this subject, e.g. operation:<id>')
    .action(async (options: AuditFilterOptions & { out?: string }) => {
      const filter = { actor: options.actor, action: options.action, subject: options.subject };
      if (!options.out) {
        await exportTo(process.stdout, client(), filter);
        return;
      }
      // Written beside the target and renamed at the end: a failed export leaves no half file behind.
      const partial = `${options.out}.partial`;
      const file = fs.createWriteStream(partial);
      try {
        const written = await exportTo(file, client(), filter);
        file.end();
        await once(file, 'finish');
        fs.renameSync(partial, options.out);
        process.stdout.write(`exported ${written.count} entries to ${options.out}${written.lastSequence ? ` (last #${written.lastSequence})` : ''}\n`);
      } catch (error) {
        file.destroy();
        fs.rmSync(partial, { force: true });
        throw error;
      }
    });
}

function describeVerification(result: AuditVerification, anchored: boolean): string {
  if (!result.ok) return `audit chain broken at #${result.brokenAt}: ${result.reason}`;
  if (result.entries === 0 || result.lastHash === null) return 'audit chain intact: no entries yet';
  const anchor = `${result.entries}:${result.lastHash}`;
  return [
    `audit chain intact: ${result.entries} entries, last #${result.entries} ${result.lastHash}`,
    anchored
      ? 'the anchored row is still in the log'
      : `the chain alone cannot show deleted newest rows: keep this anchor outside Mender and check later with mender audit verify --anchor ${anchor}`,
  ].join('\n');
}

/** Pages through `GET /api/audit` and writes one JSON object per line, waiting for the output to drain. */
async function exportTo(output: Writable, api: ApiClient, filter: AuditFilterOptions): Promise<{ count: number; lastSequence: number | undefined }> {
  let after: number | null = null;
  let count = 0;
  let lastSequence: number | undefined;
  do {
    const query = new URLSearchParams({ limit: String(exportPageSize) });
    if (after !== null) query.set('after', String(after));
    for (const [key, value] of Object.entries(filter)) if (value !== undefined) query.set(key, value);
    const page: AuditPage = await api.request('GET', `/api/audit?${query}`);
    for (const entry of page.entries) {
      if (!output.write(`${JSON.stringify(entry)}\n`)) await once(output, 'drain');
      count += 1;
      lastSequence = entry.sequence;
    }
    after = page.nextAfter;
  } while (after !== null);
  return { count, lastSequence };
}
