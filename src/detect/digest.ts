import { lt, sql } from 'drizzle-orm';
import { rowsOf, type Database, type Executor } from '../store/database.ts';
import { storableValue } from '../store/storable-text.ts';
import type { RecordedEvent } from '../store/event-hub.ts';
import { newId } from '../store/ids.ts';
import { detectIssueCounts, detectIssueSamples, detectIssues } from '../store/schema.ts';
import { minuteOf, windowStart } from './count-windows.ts';
import { parseSentryEvent, type DetectedEvent, type EventSource } from './detected-event.ts';
import { findFailedFixes, type FailedFix } from './failed-fix.ts';
import { describeEvent, groupEvent, type Grouping } from './grouping.ts';
import { writeIssueEvent } from './issue-events.ts';
import type { InboxEntry } from './spool-inbox.ts';
import { foldReleaseCounts, tallyRelease, type ReleaseTally } from './release-counts.ts';
import { isNewerRelease } from './release-order.ts';
import { evaluateSeverity, moreSevere, type Severity, type SeverityRule } from './severity-rules.ts';
import { addToSketch, emptySketch, estimateSketch, sketchFromText, sketchToText, userKey } from './user-sketch.ts';

export interface DigestOptions {
  batchSize: number;
  rules: readonly SeverityRule[];
  isCriticalRoute: (route: string | undefined) => boolean;
  redact: (text: string) => string;
  clock?: () => Date;
}

export interface TouchedIssue {
  id: string;
  created: boolean;
  regressed: boolean;
  /** The batch had events from the release of the issue's deployed fix (status fix_failed). */
  fixFailed: boolean;
  severity: Severity;
}

export interface DigestResult {
  /** Events read (an inbox entry holds one request's events). */
  processed: number;
  rows: number;
  dropped: number;
  /** Inbox entries the database refused even alone, kept in detect_quarantine. */
  quarantined: number;
  touched: TouchedIssue[];
  published: RecordedEvent[];
}

export type IssueSample = Omit<DetectedEvent, 'fingerprint' | 'source'> & { receivedAt: string };

export interface Group {
  projectId: number;
  grouping: Grouping;
  title: string;
  culprit: string;
  source: EventSource;
  level: string;
  route?: string;
  count: number;
  /** Of `count`, events sent server-side (server key, Mender's own watchers). */
  serverEvents: number;
  minutes: Map<number, number>;
  userKeys: Set<string>;
  releases: Set<string>;
  environments: Set<string>;
  /** Events per release and environment, for detect_release_counts. */
  releaseTallies: Map<string, ReleaseTally>;
  first: IssueSample;
  /** The batch's newest event for this issue: made a sample only when the batch is written. */
  newest: { event: DetectedEvent; receivedAt: Date };
  firstSeen: Date;
  lastSeen: Date;
  newestRelease?: string;
}

const levelRank: Record<string, number> = { debug: 0, info: 1, warning: 2, error: 3, fatal: 4 };
const entriesPerSlice = 100;
/** Lets waiting I/O (the senders' requests) run before the digest goes on. */
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));
/** 'latest' samples kept per issue. */
const latestSamples = 5;
const boundedList = 50;

/** An inbox part parsed and grouped in memory, ready to be folded into its issues. */
export interface GroupedEntries {
  groups: Group[];
  /** Events read (an inbox entry holds one request's events). */
  processed: number;
  dropped: number;
}

/**
 * Parses inbox entries into groups, one per issue. Outside text is made storable here, where
 * accepted events enter the database: NUL and lone surrogates would make every insert of the batch
 * fail, and the batch would be retried for ever.
 */
export async function groupEntries(entries: readonly InboxEntry[]): Promise<GroupedEntries> {
  const groups = new Map<string, Group>();
  let dropped = 0;
  let processed = 0;
  for (const [index, entry] of entries.entries()) {
    // Parsing a whole batch at once would hold the event loop for tens of milliseconds; the
    // senders' requests are answered between slices.
    if (index > 0 && index % entriesPerSlice === 0) await yieldToRequests();
    let json: unknown;
    try {
      json = JSON.parse(entry.payload);
    } catch {
      json = undefined;
    }
    // An entry holds one request's events as a JSON array.
    for (const payload of Array.isArray(json) ? json : [json]) {
      processed += 1;
      const parsed = parseSentryEvent(storableValue(payload), entry.source as EventSource);
      if (!parsed.ok) {
        dropped += 1;
        continue;
      }
      addToGroup(groups, entry.projectId, entry.receivedAt, parsed.event, entry.serverSide === true);
    }
  }
  return { groups: [...groups.values()], processed, dropped };
}

/**
 * Folds grouped entries into their issues (counters, users, releases, samples, severity) inside
 * `transaction`; the caller marks the entries digested in the same transaction, so an event is
 * grouped exactly once however often the digest is interrupted.
 */
export async function foldGroups(
  transaction: Executor,
  grouped: GroupedEntries,
  options: DigestOptions,
  now: Date,
  published: RecordedEvent[],
): Promise<TouchedIssue[]> {
  return grouped.groups.length ? foldIntoIssues(transaction, grouped.groups, options, now, published) : [];
}

function addToGroup(groups: Map<string, Group>, projectId: number, receivedAt: Date, event: DetectedEvent, serverSide: boolean): void {
  const grouping = groupEvent(event);
  const key = `${projectId}:${grouping.hash}`;
  let group = groups.get(key);
  if (!group) {
    const { title, culprit } = describeEvent(event);
    group = {
      projectId,
      grouping,
      title,
      culprit,
      source: event.source,
      level: event.level,
      route: event.route,
      count: 0,
      serverEvents: 0,
      minutes: new Map(),
      userKeys: new Set(),
      releases: new Set(),
      environments: new Set(),
      releaseTallies: new Map(),
      first: sampleOf(event, receivedAt),
      newest: { event, receivedAt },
      firstSeen: receivedAt,
      lastSeen: receivedAt,
    };
    groups.set(key, group);
  }
  group.count += 1;
  if (serverSide) group.serverEvents += 1;
  const minute = minuteOf(receivedAt);
  group.minutes.set(minute, (group.minutes.get(minute) ?? 0) + 1);
  const user = userKey(event.user);
  if (user) group.userKeys.add(user);
  tallyRelease(group.releaseTallies, event, receivedAt, user);
  if (event.release) {
    group.releases.add(event.release);
    group.newestRelease = event.release;
  }
  if (event.environment) group.environments.add(event.environment);
  if ((levelRank[event.level] ?? 3) > (levelRank[group.level] ?? 3)) group.level = event.level;
  group.route ??= event.route;
  if (receivedAt > group.lastSeen) group.lastSeen = receivedAt;
  group.newest = { event, receivedAt };
}

function sampleOf(event: DetectedEvent, receivedAt: Date): IssueSample {
  return {
    eventId: event.eventId,
    receivedAt: receivedAt.toISOString(),
    level: event.level,
    message: event.message,
    exception: event.exception,
    release: event.release,
    environment: event.environment,
    user: event.user,
    route: event.route,
    timestamp: event.timestamp,
  };
}

type IssueRow = typeof detectIssues.$inferSelect;

/** A new issue as first written: nothing counted yet, severity decided when its events are folded in. */
function newIssueRow(group: Group, options: DigestOptions): typeof detectIssues.$inferInsert {
  return {
    id: newId(),
    projectId: group.projectId,
    hash: group.grouping.hash,
    title: options.redact(group.title),
    culprit: options.redact(group.culprit),
    source: group.source,
    level: group.level,
    route: group.route ?? null,
    severity: 'P4',
    severityRule: 'pending',
    status: 'detected',
    count: 0,
    userSketch: sketchToText(emptySketch()),
    users: 0,
    firstSeen: group.firstSeen,
    lastSeen: group.lastSeen,
    grouping: {
      version: group.grouping.version,
      hash: group.grouping.hash,
      parts: group.grouping.parts,
      basis: group.grouping.basis,
      explanation: group.grouping.explanation,
    },
  };
}

/**
 * Folds every group of the batch into its issue with a fixed number of statements for the whole
 * batch (plus one update per issue): each statement costs milliseconds on the embedded database,
 * so a batch touching many issues must not pay a dozen per issue.
 */
async function foldIntoIssues(transaction: Executor, groups: Group[], options: DigestOptions, now: Date, published: RecordedEvent[]): Promise<TouchedIssue[]> {
  // Each statement runs on the main thread; between them the senders' requests get their turn
  // (`yieldToRequests`), so a batch never holds the event loop for more than one statement.
  // New issues first, as rows with nothing counted: a digest in another process that groups the
  // same new error at the same moment waits here for this one's row (or this one for its), then
  // finds it below and adds to it, instead of both creating it and one batch failing on the
  // unique key. Inserted in key order, so two batches never wait on each other's rows.
  const ordered = [...groups].sort((a, b) => a.projectId - b.projectId || (a.grouping.hash < b.grouping.hash ? -1 : a.grouping.hash > b.grouping.hash ? 1 : 0));
  const inserted = await transaction
    .insert(detectIssues)
    .values(ordered.map((group) => newIssueRow(group, options)))
    .onConflictDoNothing({ target: [detectIssues.projectId, detectIssues.hash] })
    .returning({ id: detectIssues.id });
  const createdIds = new Set(inserted.map((row) => row.id));
  await yieldToRequests();
  const keys = sql.join(
    groups.map((group) => sql`(${group.projectId}, ${group.grouping.hash})`),
    sql`, `,
  );
  const found = await transaction
    .select()
    .from(detectIssues)
    .where(sql`(${detectIssues.projectId}, ${detectIssues.hash}) IN (${keys})`)
    .orderBy(detectIssues.id)
    .for('update');
  const byKey = new Map(found.map((row) => [`${row.projectId}:${row.hash}`, row]));
  const plans = groups.map((group) => {
    const row = byKey.get(`${group.projectId}:${group.grouping.hash}`);
    if (!row) throw new Error(`issue ${group.projectId}:${group.grouping.hash} was neither created nor found`);
    return { group, existing: createdIds.has(row.id) ? undefined : row, id: row.id };
  });

  await yieldToRequests();
  await foldReleaseCounts(
    transaction,
    plans.map(({ group, id }) => ({ issueId: id, tallies: group.releaseTallies.values() })),
  );
  await yieldToRequests();
  await transaction
    .insert(detectIssueCounts)
    .values(plans.flatMap(({ group, id }) => [...group.minutes].map(([minute, n]) => ({ issueId: id, minute: new Date(minute), n }))))
    .onConflictDoUpdate({ target: [detectIssueCounts.issueId, detectIssueCounts.minute], set: { n: sql`${detectIssueCounts.n} + excluded.n` } });
  const ids = sql.join(
    plans.map((plan) => sql`${plan.id}`),
    sql`, `,
  );
  await yieldToRequests();
  const windowRows = rowsOf<{ issue_id: string; m5: number | null; h1: number | null; h24: number | null }>(
    await transaction.execute(
      sql`SELECT issue_id, sum(n) FILTER (WHERE minute >= ${windowStart(now, 5).toISOString()}::timestamptz)::int AS m5, sum(n) FILTER (WHERE minute >= ${windowStart(now, 60).toISOString()}::timestamptz)::int AS h1, sum(n)::int AS h24 FROM detect_issue_counts WHERE issue_id IN (${ids}) AND minute >= ${windowStart(now, 1440).toISOString()}::timestamptz GROUP BY issue_id`,
    ),
  );
  const windows = new Map(windowRows.map((row) => [row.issue_id, row]));

  // An issue being fixed whose deployed fix sends the error again: rare, so looked up only then.
  const watched = plans.filter(({ group, existing }) => existing?.status === 'fixing' && group.releases.size > 0);
  const failedFixes = await findFailedFixes(
    transaction,
    watched.map(({ group, id }) => ({ issueId: id, releases: group.releases })),
  );
  const decided = plans.map(({ group, existing, id }) => decideIssue(group, existing, id, windows.get(id), failedFixes.get(id), options, now));
  await yieldToRequests();
  await applyIssueChanges(transaction, decided, now);
  const touched: TouchedIssue[] = [];
  const samples: (typeof detectIssueSamples.$inferInsert)[] = [];
  for (const [index, { group, existing, id }] of plans.entries()) {
    const { change, events } = decided[index]!;
    touched.push({ id, created: !existing, regressed: change.regressed, fixFailed: change.failedFix !== undefined, severity: change.severity });
    for (const event of events) published.push(await writeIssueEvent(transaction, id, 'detector', event.type, event.data));
    if (!existing)
      samples.push({ issueId: id, kind: 'first', event: group.first as unknown as Record<string, unknown>, receivedAt: new Date(group.first.receivedAt) });
    // One 'latest' sample per issue per batch: the kept samples spread over time rather than being
    // five copies from one burst, and a busy batch writes one row per issue, not five.
    if (existing || group.count > 1)
      samples.push({
        issueId: id,
        kind: 'latest',
        event: sampleOf(group.newest.event, group.newest.receivedAt) as unknown as Record<string, unknown>,
        receivedAt: group.newest.receivedAt,
      });
  }
  await yieldToRequests();
  if (samples.length) await transaction.insert(detectIssueSamples).values(samples);
  const grown = plans.filter((plan) => plan.existing);
  if (grown.length) {
    const grownIds = sql.join(
      grown.map((plan) => sql`${plan.id}`),
      sql`, `,
    );
    await yieldToRequests();
    await transaction.execute(
      sql`DELETE FROM detect_issue_samples AS old WHERE old.kind = 'latest' AND old.issue_id IN (${grownIds}) AND old.id < (SELECT newer.id FROM detect_issue_samples AS newer WHERE newer.issue_id = old.issue_id AND newer.kind = 'latest' ORDER BY newer.id DESC OFFSET ${latestSamples - 1} LIMIT 1)`,
    );
  }
  return touched;
}

/** What one batch changes on one issue, decided in memory and written with the others in one statement. */
interface IssueChange {
  id: string;
  count: number;
  serverEvents: number;
  userSketch: string;
  users: number;
  lastSeen: Date;
  releases: string[];
  environments: string[];
  level: string;
  status: string;
  severity: Severity;
  severityRule: string;
  regressed: boolean;
  failedFix: FailedFix | undefined;
  statusReason: string | null;
}

interface IssueDecision {
  change: IssueChange;
  events: { type: string; data: Record<string, unknown> }[];
}

function decideIssue(
  group: Group,
  existing: IssueRow | undefined,
  id: string,
  windows: { m5: number | null; h1: number | null; h24: number | null } | undefined,
  foundFailedFix: FailedFix | undefined,
  options: DigestOptions,
  now: Date,
): IssueDecision {
  const sketch = existing ? sketchFromText(existing.userSketch) : emptySketch();
  for (const user of group.userKeys) addToSketch(sketch, user);
  const users = estimateSketch(sketch);
  const releases = [...new Set([...(existing?.releases ?? []), ...group.releases])].slice(-boundedList);
  const environments = [...new Set([...(existing?.environments ?? []), ...group.environments])].slice(-boundedList);
  const regressed = existing?.status === 'resolved' && isNewerRelease(group.newestRelease, existing.resolvedRelease, existing.releases);
  const firstSeen = existing?.firstSeen ?? group.firstSeen;
  const level = existing && (levelRank[existing.level] ?? 3) >= (levelRank[group.level] ?? 3) ? existing.level : group.level;
  const failedFix = !regressed && existing?.status === 'fixing' ? foundFailedFix : undefined;
  const fixEvents = failedFix
    ? [...group.releaseTallies.values()].filter((tally) => tally.release === failedFix.release).reduce((sum, tally) => sum + tally.events, 0)
    : 0;
  const status = regressed ? 'regressed' : failedFix ? 'fix_failed' : (existing?.status ?? 'detected');
  const isNew = regressed || status === 'regressed' || now.getTime() - firstSeen.getTime() < 24 * 3_600_000;
  const route = existing?.route ?? group.route;
  const verdict = evaluateSeverity(options.rules, {
    source: group.source,
    level,
    route: route ?? undefined,
    criticalRoute: options.isCriticalRoute(route ?? undefined),
    isNew,
    count5m: Number(windows?.m5 ?? 0),
    count1h: Number(windows?.h1 ?? 0),
    count24h: Number(windows?.h24 ?? 0),
    users,
    serverEvents: (existing?.serverEvents ?? 0) + group.serverEvents,
  });
  // Severity only rises while an issue is open: a burst that calms down keeps the severity it reached.
  const raise = !existing || regressed || moreSevere(verdict.severity, existing.severity as Severity);
  const severity = raise ? verdict.severity : (existing.severity as Severity);
  const change: IssueChange = {
    id,
    count: group.count,
    serverEvents: group.serverEvents,
    userSketch: sketchToText(sketch),
    users,
    lastSeen: group.lastSeen,
    releases,
    environments,
    level,
    status,
    severity,
    severityRule: raise ? verdict.rule : existing.severityRule,
    regressed,
    failedFix,
    statusReason: regressed
      ? `regressed in release ${group.newestRelease}`
      : failedFix
        ? `the fix of operation ${failedFix.operationId} (${failedFix.operationStatus}) did not stop this error: ${fixEvents} events from its release ${failedFix.release.slice(0, 12)}`
        : null,
  };
  const title = existing?.title ?? options.redact(group.title);
  if (!existing) return { change, events: [{ type: 'issue.detected', data: { title, severity, rule: verdict.rule, projectId: group.projectId } }] };
  if (regressed)
    return {
      change,
      events: [{ type: 'issue.regressed', data: { title, release: group.newestRelease, resolvedRelease: existing.resolvedRelease, severity } }],
    };
  const events: IssueDecision['events'] = [];
  if (failedFix)
    events.push({
      type: 'issue.status_changed',
      data: {
        from: existing.status,
        to: status,
        operationId: failedFix.operationId,
        operationStatus: failedFix.operationStatus,
        release: failedFix.release,
        events: fixEvents,
        reason: change.statusReason,
      },
    });
  if (raise) events.push({ type: 'issue.severity_raised', data: { title, from: existing.severity, to: severity, rule: verdict.rule } });
  return { change, events };
}

/**
 * Every touched issue's counters and state in one UPDATE … FROM (VALUES …): a statement per issue
 * would make a batch touching twenty issues cost twenty round trips on the embedded database.
 */
async function applyIssueChanges(transaction: Executor, decisions: IssueDecision[], now: Date): Promise<void> {
  const rows = sql.join(
    decisions.map(
      ({ change }) =>
        sql`(${change.id}::text, ${change.count}::bigint, ${change.serverEvents}::bigint, ${change.userSketch}::text, ${change.users}::int, ${change.lastSeen.toISOString()}::timestamptz, ${JSON.stringify(change.releases)}::jsonb, ${JSON.stringify(change.environments)}::jsonb, ${change.level}::text, ${change.status}::text, ${change.severity}::text, ${change.severityRule}::text, ${change.regressed}::boolean, ${change.statusReason}::text, ${change.failedFix?.operationId ?? null}::text, ${change.failedFix?.release ?? null}::text)`,
    ),
    sql`, `,
  );
  await transaction.execute(sql`
    UPDATE detect_issues AS issue SET
      count = issue.count + change.count,
      server_events = issue.server_events + change.server_events,
      user_sketch = change.user_sketch,
      users = change.users,
      last_seen = greatest(issue.last_seen, change.last_seen),
      releases = change.releases,
      environments = change.environments,
      level = change.level,
      status = change.status,
      severity = change.severity,
      severity_rule = change.severity_rule,
      failed_attempts = CASE WHEN change.regressed THEN 0 WHEN change.failed_fix_operation_id IS NOT NULL THEN issue.failed_attempts + 1 ELSE issue.failed_attempts END,
      hold_reason = CASE WHEN change.regressed THEN NULL ELSE issue.hold_reason END,
      status_reason = CASE WHEN change.regressed OR change.failed_fix_operation_id IS NOT NULL THEN change.status_reason ELSE issue.status_reason END,
      failed_fix_operation_id = coalesce(change.failed_fix_operation_id, issue.failed_fix_operation_id),
      failed_fix_release = coalesce(change.failed_fix_release, issue.failed_fix_release),
      updated_at = ${now.toISOString()}::timestamptz
    FROM (VALUES ${rows}) AS change(id, count, server_events, user_sketch, users, last_seen, releases, environments, level, status, severity, severity_rule, regressed, status_reason, failed_fix_operation_id, failed_fix_release)
    WHERE issue.id = change.id`);
}

/** Counters older than a day serve no window; removed now and then. */
export async function pruneOldCounts(db: Database, now: Date = new Date()): Promise<void> {
  await db.delete(detectIssueCounts).where(lt(detectIssueCounts.minute, new Date(now.getTime() - 25 * 3_600_000)));
}
