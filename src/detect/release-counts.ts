import { sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../store/database.ts';
import { detectReleaseCounts } from '../store/schema.ts';
import { addToSketch, emptySketch, estimateSketch, sketchFromText, sketchToText } from './user-sketch.ts';

/** One batch's events of one issue in one release and environment, before they are written. */
export interface ReleaseTally {
  release: string;
  /** '' when the event named no environment: the key needs a value. */
  environment: string;
  events: number;
  userKeys: Set<string>;
  firstSeen: Date;
  lastSeen: Date;
}

/** Counts an event in its release's tally; an event without a release is not counted (keeps the table bounded). */
export function tallyRelease(
  tallies: Map<string, ReleaseTally>,
  event: { release?: string; environment?: string },
  receivedAt: Date,
  user: string | undefined,
): void {
  if (!event.release) return;
  const environment = event.environment ?? '';
  const key = JSON.stringify([event.release, environment]);
  let tally = tallies.get(key);
  if (!tally) {
    tally = { release: event.release, environment, events: 0, userKeys: new Set(), firstSeen: receivedAt, lastSeen: receivedAt };
    tallies.set(key, tally);
  }
  tally.events += 1;
  if (user) tally.userKeys.add(user);
  if (receivedAt < tally.firstSeen) tally.firstSeen = receivedAt;
  if (receivedAt > tally.lastSeen) tally.lastSeen = receivedAt;
}

/**
 * Adds a batch's tallies to detect_release_counts in the digest's transaction: two statements for
 * the whole batch. The user sketches are merged here, not in SQL; the digest holds the issues' row
 * locks, so no other digest merges the same rows meanwhile.
 */
export async function foldReleaseCounts(transaction: Executor, issues: readonly { issueId: string; tallies: Iterable<ReleaseTally> }[]): Promise<void> {
  const rows = issues.flatMap(({ issueId, tallies }) => [...tallies].map((tally) => ({ issueId, tally })));
  if (rows.length === 0) return;
  const keys = sql.join(
    rows.map(({ issueId, tally }) => sql`(${issueId}, ${tally.release}, ${tally.environment})`),
    sql`, `,
  );
  const existing = rowsOf<{ issue_id: string; release: string; environment: string; user_sketch: string }>(
    await transaction.execute(
      sql`SELECT issue_id, release, environment, user_sketch FROM detect_release_counts WHERE (issue_id, release, environment) IN (${keys})`,
    ),
  );
  const sketches = new Map(existing.map((row) => [JSON.stringify([row.issue_id, row.release, row.environment]), row.user_sketch]));
  await transaction
    .insert(detectReleaseCounts)
    .values(
      rows.map(({ issueId, tally }) => {
        const stored = sketches.get(JSON.stringify([issueId, tally.release, tally.environment]));
        const sketch = stored ? sketchFromText(stored) : emptySketch();
        for (const user of tally.userKeys) addToSketch(sketch, user);
        return {
          issueId,
          release: tally.release,
          environment: tally.environment,
          events: tally.events,
          userSketch: sketchToText(sketch),
          users: estimateSketch(sketch),
          firstSeen: tally.firstSeen,
          lastSeen: tally.lastSeen,
        };
      }),
    )
    .onConflictDoUpdate({
      target: [detectReleaseCounts.issueId, detectReleaseCounts.release, detectReleaseCounts.environment],
      set: {
        events: sql`${detectReleaseCounts.events} + excluded.events`,
        userSketch: sql`excluded.user_sketch`,
        users: sql`excluded.users`,
        firstSeen: sql`least(${detectReleaseCounts.firstSeen}, excluded.first_seen)`,
        lastSeen: sql`greatest(${detectReleaseCounts.lastSeen}, excluded.last_seen)`,
      },
    });
}
