import type { Database } from '../store/database.ts';
import type { DecisionLock } from '../store/decision-lock.ts';
import type { EventHub } from '../store/event-hub.ts';
import type { JobQueue } from '../queue/job-queue.ts';
import type { Logger } from '../logging/logger.ts';
import type { Settings } from '../config/settings-schema.ts';
import { pruneOldCounts } from './digest.ts';
import { digestBatch } from './digest-batch.ts';
import { countQuarantined, digestFailureReason } from './quarantine.ts';
import { startHealthChecks } from './health-checks.ts';
import { IssueTriggers, type OperationStarter } from './issue-triggers.ts';
import { logLineToEvent } from './log-lines.ts';
import { startLogTails } from './log-tail.ts';
import { ProjectQuota } from './project-quota.ts';
import { ProjectStore } from './project-store.ts';
import type { IngestServices } from './sentry-ingest.ts';
import { createRouteMatcher, loadSeverityRules } from './severity-rules.ts';
import { SpoolInboxes } from './spool-inboxes.ts';
import { runWhileHolding } from './run-while-holding.ts';
import { inProcessSessionLocks, type SessionLocks } from '../store/session-locks.ts';

export interface DetectionDependencies {
  db: Database;
  queue: JobQueue;
  hub: EventHub;
  starter: OperationStarter;
  settings: Settings;
  log: Logger;
  redact: (text: string) => string;
  /** Serialises trigger decisions; across processes on PostgreSQL (default: this process only). */
  decisionLock?: DecisionLock;
  /** Who holds which ingest spool (and runs the health checks) among processes on one data folder (default: this process only). */
  sessionLocks?: SessionLocks;
}

const idlePollMs = 1_000;
const pruneEveryBatches = 500;
const maxRetryMs = 60_000;
// When less than a full batch waits, the digest waits this long so the next one is bigger: every
// digest transaction costs a dozen statements (milliseconds each on the main thread), whatever its size.
const gatherMs = 500;

/**
 * Detection as one service: the ingest side (projects, quota, group-committed file spool) answers
 * senders; the digest loop groups the inbox behind it and hands touched issues to the triggers.
 */
export class DetectionService implements IngestServices {
  readonly projects: ProjectStore;
  readonly quota = new ProjectQuota();
  readonly inbox: SpoolInboxes;
  private readonly locks: SessionLocks;
  readonly triggers: IssueTriggers;
  readonly maxEnvelopeBytes: number;
  readonly defaultRateLimitPerMinute: number;
  /** `quarantined`: inbox entries kept in detect_quarantine (all of them, read at start). */
  readonly stats = { processed: 0, dropped: 0, quarantined: 0, batches: 0 };
  private running = false;
  /** While the digest fails, new events do not wake it early: it waits out its backoff. */
  private failing = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private stoppers: (() => void)[] = [];

  constructor(private readonly dependencies: DetectionDependencies) {
    const { db, settings } = dependencies;
    this.projects = new ProjectStore(db);
    this.locks = dependencies.sessionLocks ?? inProcessSessionLocks();
    this.inbox = new SpoolInboxes(db, settings.dataDir, this.locks, () => (this.failing ? undefined : this.wake?.()), {
      warn: (message) => dependencies.log.warn(message),
      log: dependencies.log,
    });
    this.maxEnvelopeBytes = settings.detectMaxEnvelopeBytes;
    this.defaultRateLimitPerMinute = settings.detectRateLimitPerMinute;
    this.triggers = new IssueTriggers(
      db,
      dependencies.queue,
      dependencies.hub,
      dependencies.starter,
      dependencies.log,
      {
        delayMs: { P2: settings.detectP2DelaySeconds * 1000, P3: settings.detectP3DelaySeconds * 1000 },
        budgetRetryMs: 600_000,
        maxFailedAttempts: 3,
        retryCooldownMs: settings.detectRetryCooldownSeconds * 1000,
      },
      dependencies.decisionLock,
    );
  }

  /**
   * Starts the triggers and takes the `detection` queue; with `intake` (default) also opens the
   * ingest spool and runs the digest, health checks and log tails. The spool is a file in this
   * process's data folder, so intake runs where ingest requests land: a `web` or `all` process.
   */
  async start(options: { intake?: boolean } = {}): Promise<void> {
    const { settings, hub, queue, log } = this.dependencies;
    const rules = loadSeverityRules(settings.detectSeverityRules);
    const isCriticalRoute = createRouteMatcher(settings.detectCriticalRoutes);
    await this.triggers.reconcile();
    this.stoppers.push(
      // Every process runs the triggers: each follows the transitions it recorded, so one acts on each.
      hub.subscribe((event) => {
        if (event.operationId && typeof event.data.to === 'string') void this.triggers.operationChanged(event.operationId, event.data.to);
      }, 'recorded-here'),
    );
    queue.process('detection', 1, async (job) => this.triggers.consider(String(job.payload.issueId), true));
    if (options.intake === false) return;
    const recovery = await this.inbox.open();
    if (recovery.tornBytes) log.warn(`detection: cut ${recovery.tornBytes} bytes of an unacknowledged, torn write off the ingest spool`);
    if (recovery.pending) log.info(`detection: ${recovery.pending} accepted requests wait to be grouped`);
    this.stats.quarantined = await countQuarantined(this.dependencies.db);
    this.running = true;
    this.loop = this.digestLoop({
      batchSize: settings.detectDigestBatchSize,
      rules,
      isCriticalRoute,
      redact: this.dependencies.redact,
      onQuarantine: (entry, error) =>
        log.error('detection: an inbox entry the database refused is quarantined (GET /api/detection/quarantine)', {
          projectId: entry.projectId,
          source: entry.source,
          events: entry.events,
          reason: digestFailureReason(error),
        }),
    });
    if (settings.detectHealthChecks.length)
      this.stoppers.push(
        // One process probes: with several web replicas each probe would otherwise count once per replica.
        runWhileHolding(
          this.locks,
          'detect:health-checks',
          () =>
            startHealthChecks(
              settings.detectHealthChecks,
              (project, event) => this.acceptInternal(project, 'health', event),
              (error) => log.warn('health check failed to report', { error: (error as Error).message }),
            ),
          (error) => log.warn('detection: could not take the health-check lock; trying again', { error: error.message }),
        ),
      );
    if (settings.detectLogFiles.length) {
      this.stoppers.push(
        startLogTails(
          settings.detectLogFiles,
          async (file, line) => {
            const event = logLineToEvent(line, file.path);
            if (event) await this.acceptInternal(file.project, 'log', event);
          },
          (error) => log.warn('log tail failed', { error: (error as Error).message }),
        ),
      );
    }
  }

  /** Events Mender makes itself (health checks, log files): same inbox, no key or quota. */
  async acceptInternal(projectName: string, source: 'health' | 'log', event: Record<string, unknown>): Promise<void> {
    const project = await this.projects.byName(projectName);
    if (!project) {
      this.dependencies.log.warn(`detection: project "${projectName}" is not registered; event dropped (mender project add ${projectName} --repo <repo>)`);
      return;
    }
    await this.inbox.write([{ projectId: project.id, source, payload: JSON.stringify([event]), events: 1, serverSide: true }]);
  }

  /** Accepted requests (inbox entries, each holding one request's events) not grouped yet. */
  async pending(): Promise<number> {
    return this.inbox.pending();
  }

  private async digestLoop(options: Parameters<typeof digestBatch>[2]): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const result = await digestBatch(this.dependencies.db, this.inbox, options);
        failures = 0;
        if (result.rows > 0) {
          this.stats.processed += result.processed;
          this.stats.dropped += result.dropped;
          this.stats.quarantined += result.quarantined;
          this.stats.batches += 1;
          this.dependencies.hub.publish(result.published);
          for (const issue of result.touched) void this.triggers.considerAfterEvents(issue);
          if (this.stats.batches % pruneEveryBatches === 0) await pruneOldCounts(this.dependencies.db);
          // The digest runs behind the senders: waiting ingest commits go first, and a small batch waits for company.
          await new Promise((resolve) => (this.inbox.pending() < options.batchSize ? setTimeout(resolve, gatherMs) : setImmediate(resolve)));
          continue;
        }
      } catch (error) {
        if (!this.running) return;
        failures += 1;
        // The database's own message, not the failed query with its parameters (kilobytes a line).
        this.dependencies.log.error('detection digest failed; retrying', { error: digestFailureReason(error), failures });
      }
      // While the database fails, tries space out (up to a minute) rather than logging every second.
      this.failing = failures > 0;
      const waitMs = failures ? Math.min(idlePollMs * 2 ** (failures - 1), maxRetryMs) : idlePollMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const stop of this.stoppers.splice(0)) stop();
    this.wake?.();
    await this.loop;
    await this.triggers.serialised(async () => undefined);
    await this.inbox.close();
    await this.locks.close();
  }
}
