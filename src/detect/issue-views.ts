import { and, asc, count, desc, eq, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Database } from '../store/database.ts';
import { detectIssueSamples, detectIssues, detectProjects, repos } from '../store/schema.ts';
import { hourOf, windowStart } from './count-windows.ts';
import { isActiveOperation, operationsOfIssues } from './operation-link.ts';
import type { IssueSample } from './digest.ts';
import type { Grouping } from './grouping.ts';
import { issueBreakdowns, type IssueBreakdown } from './issue-breakdowns.ts';

export interface IssueListFilter {
  status?: string;
  severity?: string;
  repo?: string;
  limit: number;
  offset: number;
}

type IssueRow = typeof detectIssues.$inferSelect & { repoName: string };

/** A detected issue in `GET /api/issues`: the row's fields, counts per window, a 24-hour histogram, linked operations. */
export type DetectedIssueView = Pick<
  IssueRow,
  | 'id'
  | 'title'
  | 'culprit'
  | 'severity'
  | 'severityRule'
  | 'status'
  | 'statusReason'
  | 'holdReason'
  | 'suppressedBy'
  | 'failedAttempts'
  | 'level'
  | 'source'
  | 'route'
  | 'count'
  | 'serverEvents'
  | 'users'
  | 'releases'
  | 'environments'
  | 'resolvedRelease'
  | 'projectId'
> & {
  counts: { m5: number; h1: number; h24: number };
  firstSeen: string;
  lastSeen: string;
  repo: string;
  operations: { id: string; status: string; type: string }[];
  histogram: { t: string; n: number }[];
};

/** `GET /api/issues/:id`: the issue with its kept samples (as digest stores them) and how it was grouped. */
export type DetectedIssueDetailView = DetectedIssueView & {
  samples: (IssueSample & { kind: string })[];
  grouping: Grouping;
  /** What a team lead may do by hand: start a fix, retry one after the last operation gave up, or nothing (one is at work, or the issue is resolved). */
  fixAction: FixAction;
  /** Events by release (all events), route and user (the kept samples). */
  breakdowns: IssueBreakdown[];
};

export type FixAction = 'start' | 'retry' | null;
const gaveUpStatuses = new Set(['failed', 'rejected', 'cancelled', 'rolled_back']);

/** See `DetectedIssueDetailView.fixAction`; the same rule the start route enforces. */
export function fixActionOf(issue: { status: string; failedFixOperationId: string | null }, operations: readonly { id: string; status: string }[]): FixAction {
  if (issue.status === 'resolved') return null;
  if (operations.some((operation) => operation.id !== issue.failedFixOperationId && isActiveOperation(operation))) return null;
  const last = operations[operations.length - 1];
  return last && (gaveUpStatuses.has(last.status) || issue.status === 'fix_failed') ? 'retry' : 'start';
}

/** Issues as the API shows them: counts per window, a 24-hour histogram and linked operations. */
export async function listIssues(db: Database, filter: IssueListFilter, now = new Date()): Promise<{ issues: DetectedIssueView[]; total: number }> {
  const conditions: SQL[] = [];
  if (filter.status) conditions.push(eq(detectIssues.status, filter.status));
  if (filter.severity) conditions.push(eq(detectIssues.severity, filter.severity));
  if (filter.repo) conditions.push(eq(repos.name, filter.repo));
  const where = conditions.length ? and(...conditions) : undefined;
  // Most severe first (P0 … P4 sort as text), then the most recently seen.
  const rows = await selectIssues(db)
    .where(where)
    .orderBy(asc(detectIssues.severity), desc(detectIssues.lastSeen), asc(detectIssues.id))
    .limit(filter.limit)
    .offset(filter.offset);
  const [total] = await db
    .select({ total: count() })
    .from(detectIssues)
    .innerJoin(detectProjects, eq(detectProjects.id, detectIssues.projectId))
    .innerJoin(repos, eq(repos.id, detectProjects.repoId))
    .where(where);
  return { issues: await views(db, rows, now), total: Number(total?.total ?? 0) };
}

export async function getIssue(db: Database, id: string, now = new Date()): Promise<DetectedIssueDetailView | undefined> {
  const [row] = await selectIssues(db).where(eq(detectIssues.id, id));
  if (!row) return undefined;
  const [view] = (await views(db, [row], now)) as [DetectedIssueView];
  const samples = await db.select().from(detectIssueSamples).where(eq(detectIssueSamples.issueId, id)).orderBy(asc(detectIssueSamples.id));
  // The JSON columns hold what digest wrote: an IssueSample per sample, a Grouping per issue.
  const kept = samples.map((sample) => ({ kind: sample.kind, ...(sample.event as unknown as IssueSample) }));
  return {
    ...view,
    samples: kept,
    breakdowns: await issueBreakdowns(db, view, kept),
    grouping: row.issue.grouping as unknown as Grouping,
    fixAction: fixActionOf(row.issue, view.operations),
  };
}

function selectIssues(db: Database) {
  return db
    .select({ issue: detectIssues, repoName: repos.name })
    .from(detectIssues)
    .innerJoin(detectProjects, eq(detectProjects.id, detectIssues.projectId))
    .innerJoin(repos, eq(repos.id, detectProjects.repoId))
    .$dynamic();
}

async function views(db: Database, joined: { issue: typeof detectIssues.$inferSelect; repoName: string }[], now: Date): Promise<DetectedIssueView[]> {
  const rows: IssueRow[] = joined.map((row) => ({ ...row.issue, repoName: row.repoName }));
  const ids = rows.map((row) => row.id);
  if (ids.length === 0) return [];
  const firstHour = hourOf(now) - 23 * 3_600_000;
  const list = sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );
  const windows = rowsOf<{ issue_id: string; m5: number | null; h1: number | null; h24: number | null }>(
    await db.execute(
      sql`SELECT issue_id, sum(n) FILTER (WHERE minute >= ${windowStart(now, 5).toISOString()}::timestamptz)::int AS m5, sum(n) FILTER (WHERE minute >= ${windowStart(now, 60).toISOString()}::timestamptz)::int AS h1, sum(n) FILTER (WHERE minute >= ${windowStart(now, 1440).toISOString()}::timestamptz)::int AS h24 FROM detect_issue_counts WHERE issue_id IN (${list}) GROUP BY issue_id`,
    ),
  );
  const hours = rowsOf<{ issue_id: string; hour: string | Date; n: number }>(
    await db.execute(
      sql`SELECT issue_id, date_trunc('hour', minute) AS hour, sum(n)::int AS n FROM detect_issue_counts WHERE issue_id IN (${list}) AND minute >= ${new Date(firstHour).toISOString()}::timestamptz GROUP BY issue_id, date_trunc('hour', minute)`,
    ),
  );
  const operations = await operationsOfIssues(db, ids);
  return rows.map((row) => {
    const window = windows.find((item) => item.issue_id === row.id);
    const histogram = Array.from({ length: 24 }, (_, index) => ({ t: new Date(firstHour + index * 3_600_000).toISOString(), n: 0 }));
    for (const hour of hours.filter((item) => item.issue_id === row.id)) {
      const index = Math.round((new Date(hour.hour).getTime() - firstHour) / 3_600_000);
      if (histogram[index]) histogram[index].n = Number(hour.n);
    }
    return {
      id: row.id,
      title: row.title,
      culprit: row.culprit,
      severity: row.severity,
      severityRule: row.severityRule,
      status: row.status,
      statusReason: row.statusReason,
      holdReason: row.holdReason,
      suppressedBy: row.suppressedBy,
      failedAttempts: row.failedAttempts,
      level: row.level,
      source: row.source,
      route: row.route,
      count: Number(row.count),
      serverEvents: Number(row.serverEvents),
      counts: { m5: Number(window?.m5 ?? 0), h1: Number(window?.h1 ?? 0), h24: Number(window?.h24 ?? 0) },
      users: row.users,
      firstSeen: row.firstSeen.toISOString(),
      lastSeen: row.lastSeen.toISOString(),
      releases: row.releases,
      environments: row.environments,
      resolvedRelease: row.resolvedRelease,
      repo: row.repoName,
      projectId: row.projectId,
      operations: operations
        .filter((operation) => operation.issueId === row.id)
        .map((operation) => ({ id: operation.id, status: operation.status, type: operation.type })),
      histogram,
    };
  });
}

/** A human closes an issue; it comes back as `regressed` if a newer release sends it again. */
export async function resolveIssue(db: Database, id: string): Promise<typeof detectIssues.$inferSelect | undefined> {
  const [row] = await db.select().from(detectIssues).where(eq(detectIssues.id, id));
  if (!row) return undefined;
  const [updated] = await db
    .update(detectIssues)
    .set({
      status: 'resolved',
      resolvedRelease: row.releases[row.releases.length - 1] ?? null,
      holdReason: null,
      suppressedBy: null,
      failedAttempts: 0,
      statusReason: 'resolved by a human',
      updatedAt: new Date(),
    })
    .where(eq(detectIssues.id, id))
    .returning();
  return updated;
}
