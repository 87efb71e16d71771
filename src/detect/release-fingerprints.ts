import { sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../store/database.ts';
import type { FingerprintCount } from '../deploy/judge/canary-observation.ts';

export interface ReleaseQuery {
  repoId: string;
  /** As the app reports it (SENTRY_ENVIRONMENT), e.g. `staging`. */
  environment: string;
  /** As the app reports it (SENTRY_RELEASE): the full commit SHA of the deployed change. */
  release: string;
}

/**
 * The error groups (fingerprint = the detected issue's id) a release produced in an environment of
 * a repository's projects and that were seen at or after `since`. The counts are the release's
 * totals in that environment: a release is counted per (issue, release, environment), not per
 * minute, which is exact for a release first deployed at `since` (a canary's new release) and
 * over-counts one that ran before (the stable release, whose fingerprints the judge only matches).
 */
export async function releaseFingerprints(executor: Executor, query: ReleaseQuery & { since: Date }): Promise<FingerprintCount[]> {
  const rows = rowsOf<{ issue_id: string; events: string | number; users: number }>(
    await executor.execute(sql`
      SELECT counts.issue_id, counts.events, counts.users
        FROM detect_release_counts AS counts
        JOIN detect_issues AS issue ON issue.id = counts.issue_id
        JOIN detect_projects AS project ON project.id = issue.project_id
       WHERE project.repo_id = ${query.repoId} AND counts.release = ${query.release} AND counts.environment = ${query.environment}
         AND counts.last_seen >= ${query.since.toISOString()}::timestamptz
       ORDER BY counts.events DESC, counts.issue_id`),
  );
  return rows.map((row) => ({ fingerprint: row.issue_id, events: Number(row.events), users: row.users }));
}

/** The fingerprints a release had produced in an environment before `before`: errors known before a deploy. */
export async function fingerprintsBefore(executor: Executor, query: ReleaseQuery & { before: Date }): Promise<string[]> {
  const rows = rowsOf<{ issue_id: string }>(
    await executor.execute(sql`
      SELECT counts.issue_id
        FROM detect_release_counts AS counts
        JOIN detect_issues AS issue ON issue.id = counts.issue_id
        JOIN detect_projects AS project ON project.id = issue.project_id
       WHERE project.repo_id = ${query.repoId} AND counts.release = ${query.release} AND counts.environment = ${query.environment}
         AND counts.first_seen < ${query.before.toISOString()}::timestamptz
       ORDER BY counts.issue_id`),
  );
  return rows.map((row) => row.issue_id);
}

/** Events of one issue in one release, over every environment. */
export async function issueReleaseEvents(executor: Executor, issueId: string, release: string): Promise<number> {
  const [row] = rowsOf<{ events: string | number | null }>(
    await executor.execute(sql`SELECT sum(events) AS events FROM detect_release_counts WHERE issue_id = ${issueId} AND release = ${release}`),
  );
  return Number(row?.events ?? 0);
}
