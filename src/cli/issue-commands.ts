import type { Command } from 'commander';
import type { ApiClient } from './api-client.ts';
import type { DetectedIssueDetailView, DetectedIssueView, IssueList, ProjectList, ProjectView, ResolvedIssue } from '../server/api-types.ts';

const write = (json: boolean, value: unknown, text: () => string) => process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);

/** `mender issues …` and `mender project …`, through the HTTP API. */
export function registerIssueCommands(program: Command, client: () => ApiClient): void {
  const issues = program
    .command('issues')
    .description('errors Mender detected, grouped into issues (newest activity first)')
    .option('--status <status>', 'only this status: detected, diagnosing, fixing, fixed, fix_failed, failed, resolved, regressed')
    .option('--severity <severity>', 'only this severity: P0 … P4')
    .option('--repo <name>', 'only issues of this repository')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'machine-readable output')
    .action(async (options: { status?: string; severity?: string; repo?: string; limit: string; json?: boolean }) => {
      const query = new URLSearchParams(
        Object.entries({ status: options.status, severity: options.severity, repo: options.repo, limit: options.limit }).filter(
          (entry): entry is [string, string] => !!entry[1],
        ),
      );
      const result = await client().request<IssueList>('GET', `/api/issues?${query}`);
      write(!!options.json, result, () =>
        result.issues.length ? [...result.issues.map(issueLine), `${result.issues.length} of ${result.total}`].join('\n') : 'no issues',
      );
    });

  issues
    .command('show <id>')
    .description('one issue: counts, grouping, stack trace of the latest sample, operations')
    .option('--json', 'machine-readable output')
    .action(async (id: string, options: { json?: boolean }) => {
      const issue = await client().request<DetectedIssueDetailView>('GET', `/api/issues/${encodeURIComponent(id)}`);
      write(!!options.json, issue, () => issueDetail(issue));
    });

  issues
    .command('resolve <id>')
    .description('mark an issue resolved (it comes back as regressed if a newer release sends it again)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, options: { json?: boolean }) => {
      const result = await client().request<ResolvedIssue>('POST', `/api/issues/${encodeURIComponent(id)}/resolve`, {});
      write(!!options.json, result, () => `${result.id} resolved${result.resolvedRelease ? ` in ${result.resolvedRelease}` : ''}`);
    });

  const project = program.command('project').description('projects: where applications send their errors (one DSN each, mapped to a repository)');
  project
    .command('add <name>')
    .description('create a project for a registered repository and print its DSN')
    .requiredOption('--repo <name>', 'registered repository the errors belong to')
    .option('--rate-limit <eventsPerMinute>', 'events per minute this project may send')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { repo: string; rateLimit?: string; json?: boolean }) => {
      const body = { name, repo: options.repo, rateLimitPerMinute: options.rateLimit ? Number(options.rateLimit) : undefined };
      const created = await client().request<ProjectView>('POST', '/api/projects', body);
      write(
        !!options.json,
        created,
        () =>
          `project ${created.name} (${created.id}) for ${created.repo}\n` +
          `SENTRY_DSN=${created.dsn}    (front ends: this key is public)\n` +
          `SENTRY_DSN=${created.serverDsn}    (back ends only: keep this one secret; rules with "requireServerKey" believe only it)`,
      );
    });
  project
    .command('list')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const result = await client().request<ProjectList>('GET', '/api/projects');
      write(
        !!options.json,
        result,
        () =>
          result.projects.map((item) => `${item.id}  ${item.name}  ${item.repo}  ${item.dsn}  (${item.rateLimitPerMinute}/min)`).join('\n') ||
          'no projects: mender project add <name> --repo <repo>',
      );
    });
}

function issueLine(issue: DetectedIssueView): string {
  const operation = issue.operations[issue.operations.length - 1];
  return `${issue.id}  ${issue.severity}  ${issue.status.padEnd(10)}  ${String(issue.count).padStart(6)}×  ${issue.users} users  5m:${issue.counts.m5} 1h:${issue.counts.h1}  ${issue.repo}  ${issue.title.slice(0, 80)}${operation ? `  [${operation.id} ${operation.status}]` : ''}`;
}

function issueDetail(issue: DetectedIssueDetailView): string {
  const latest = issue.samples[issue.samples.length - 1];
  const lines = [
    `${issue.id}  ${issue.title}`,
    `severity ${issue.severity} (rule ${issue.severityRule})   status ${issue.status}${issue.statusReason ? ` — ${issue.statusReason}` : ''}`,
    ...(issue.holdReason ? [`on hold: ${issue.holdReason}`] : []),
    ...(issue.suppressedBy ? [`suppressed by P0 issue ${issue.suppressedBy}`] : []),
    `culprit ${issue.culprit || '—'}   repo ${issue.repo}`,
    `seen ${issue.count} times (5m ${issue.counts.m5}, 1h ${issue.counts.h1}, 24h ${issue.counts.h24}) by ${issue.users} users (${issue.serverEvents} sent server-side), ${issue.firstSeen} → ${issue.lastSeen}`,
    `releases ${issue.releases.join(', ') || '—'}   environments ${issue.environments.join(', ') || '—'}`,
    `grouping ${issue.grouping.version}: ${issue.grouping.explanation}`,
    ...issue.grouping.parts.map((part) => `  ${part}`),
  ];
  if (latest) {
    lines.push(`latest event ${latest.eventId} at ${latest.receivedAt}${latest.release ? ` (${latest.release})` : ''}`);
    for (const exception of [...latest.exception].reverse()) {
      lines.push(`  ${exception.type}: ${exception.value}`);
      for (const frame of [...exception.frames].reverse())
        lines.push(
          `    ${frame.inApp ? 'at' : '··'} ${frame.function ?? '<anonymous>'} (${frame.filename ?? frame.module ?? '?'}${frame.lineno ? `:${frame.lineno}` : ''})`,
        );
    }
    if (!latest.exception.length) lines.push(`  ${latest.message}`);
  }
  lines.push(
    issue.operations.length ? `operations: ${issue.operations.map((operation) => `${operation.id} (${operation.status})`).join(', ')}` : 'operations: none',
  );
  return lines.join('\n');
}
