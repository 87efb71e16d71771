import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../store/database.ts';
import type { IssueSample } from './digest.ts';

/** One value of a breakdown and how many of the counted events had it. */
export interface BreakdownEntry {
  value: string;
  count: number;
}

/** Where an issue's events came from along one dimension, most frequent first. */
export interface IssueBreakdown {
  key: 'release' | 'route' | 'user';
  /** What was counted: every event (per-release counts), or the kept samples (route and user are kept only there). */
  basis: 'events' | 'samples';
  total: number;
  entries: BreakdownEntry[];
}

const shownEntries = 8;
/** Release rows read per issue (one per release and environment): bounded however many releases sent it. */
const releaseRowLimit = 500;

/**
 * Releases over all of the issue's events (detect_release_counts, which the canary judge reads
 * too); routes and users over its kept samples, the only place those are stored per event.
 */
export async function issueBreakdowns(db: Database, issue: { id: string; count: number }, samples: readonly IssueSample[]): Promise<IssueBreakdown[]> {
  const releases = rowsOf<{ release: string; events: number | string }>(
    await db.execute(
      sql`SELECT release, sum(events) AS events FROM (SELECT release, events FROM detect_release_counts WHERE issue_id = ${issue.id} LIMIT ${releaseRowLimit}) AS rows GROUP BY release`,
    ),
  ).map((row) => ({ value: row.release, count: Number(row.events) }));
  const withRelease = releases.reduce((sum, entry) => sum + entry.count, 0);
  if (issue.count > withRelease) releases.push({ value: '(no release)', count: issue.count - withRelease });
  return [
    breakdown('release', 'events', releases),
    breakdown('route', 'samples', tally(samples.map((sample) => sample.route ?? '(no route)'))),
    breakdown('user', 'samples', tally(samples.map((sample) => userLabel(sample.user)))),
  ];
}

function userLabel(user: IssueSample['user']): string {
  return user?.id ?? user?.username ?? user?.email ?? user?.ipAddress ?? '(no user)';
}

function tally(values: readonly string[]): BreakdownEntry[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => ({ value, count }));
}

/** The most frequent values (ties by name), the rest folded into one "other" entry. */
function breakdown(key: IssueBreakdown['key'], basis: IssueBreakdown['basis'], entries: BreakdownEntry[]): IssueBreakdown {
  const sorted = [...entries].sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const shown = sorted.slice(0, shownEntries);
  const rest = sorted.slice(shownEntries).reduce((sum, entry) => sum + entry.count, 0);
  if (rest > 0) shown.push({ value: `${sorted.length - shownEntries} other values`, count: rest });
  return { key, basis, total: entries.reduce((sum, entry) => sum + entry.count, 0), entries: shown };
}
