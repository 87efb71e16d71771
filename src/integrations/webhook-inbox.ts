import { and, desc, eq, ne, or, sql } from 'drizzle-orm';
import type { Database, Executor } from '../store/database.ts';
import { webhookDeliveries } from '../store/schema.ts';
import { newId } from '../store/ids.ts';
import type { Job, JobQueue } from '../queue/job-queue.ts';
import { PermanentJobError, isRetryable } from '../queue/permanent-job-error.ts';
import type { Logger } from '../logging/logger.ts';

export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;

/** `queued` until first tried; `retrying` between failed attempts; `processed` or `failed` at the end. */
export const deliveryStatuses = ['queued', 'processing', 'retrying', 'processed', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** A verified delivery, as a route hands it over after signature, freshness and parsing. */
export interface IncomingDelivery {
  /** `slack`, `jira`, `sentry`, `github`, … — also the key processors are registered under. */
  source: string;
  /** The sender's own id of this delivery (X-GitHub-Delivery, Sentry's Request-ID, …): a repeat is stored once. */
  deliveryId: string;
  /**
   * `signedBytesDigest` of the bytes the sender's signature covers. Where the sender's id is not
   * signed (Sentry, GitHub, Jira), a replay under a new id is caught by this and stored once.
   */
  signedDigest?: string;
  /** What the delivery is (`slash_command`, `issue.created`, `event_alert`, …), for processors and the list. */
  kind: string;
  payload: unknown;
}

export interface DeliveryForProcessing {
  /** The inbox's row id. */
  id: string;
  source: string;
  deliveryId: string;
  kind: string;
  payload: unknown;
  /** 1-based attempt of this processing run. */
  attempt: number;
  /** True on the last attempt the queue will make. */
  lastAttempt: boolean;
  /** What an earlier attempt saved with `saveCheckpoint` (null on the first): lets a retry skip work already done. */
  checkpoint: Record<string, unknown> | null;
  /** Saves progress durably (e.g. `{ operationId }` once an operation exists), so a retry does not repeat it. */
  saveCheckpoint(checkpoint: Record<string, unknown>): Promise<void>;
}

/**
 * Does the work a delivery asks for. Returns a short outcome for the list (e.g. "operation ab12
 * created", "ignored: no AI-Fix label"). Throw to retry; throw a PermanentJobError when trying
 * again cannot help.
 */
export type DeliveryProcessor = (delivery: DeliveryForProcessing, signal: AbortSignal) => Promise<string | void>;

export interface WebhookInboxOptions {
  /** Processing attempts per delivery (default 5). */
  maxAttempts?: number;
  /** Base of the exponential backoff between attempts (default 2000 ms). */
  backoffMs?: number;
  /** Deliveries processed at once (default 4). */
  concurrency?: number;
}

export interface ListDeliveriesFilter {
  source?: string;
  status?: DeliveryStatus;
  limit?: number;
}

const defaults = { maxAttempts: 5, backoffMs: 2000, concurrency: 4 };
// Rows per group-commit transaction: big enough for a burst, small enough to keep one commit short.
const maxBatch = 200;
const maxYieldMs = 1000;
const gatherMs = 3;
// Processing waits for this long without a new delivery before it takes its turn at the database.
const quietMs = 25;

export interface AcceptResult {
  duplicate: boolean;
  /** The inbox row: the new one, or the one stored first. */
  id: string;
}

interface WaitingDelivery {
  delivery: IncomingDelivery;
  resolve: (result: AcceptResult) => void;
  reject: (error: unknown) => void;
}
const longestError = 2000;

/**
 * The durable inbox every webhook route writes to: a verified delivery is stored and its processing
 * enqueued in one transaction, so the route can acknowledge at once and nothing acknowledged is lost;
 * the sender's delivery id makes a retried delivery a no-op.
 */
export class WebhookInbox {
  private readonly processors = new Map<string, DeliveryProcessor>();
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly concurrency: number;
  private started = false;
  private readonly waiting: WaitingDelivery[] = [];
  private writing = false;
  private lastAcceptAt = 0;
  private floodLane: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly queue: JobQueue,
    private readonly log: Logger,
    options: WebhookInboxOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? defaults.maxAttempts;
    this.backoffMs = options.backoffMs ?? defaults.backoffMs;
    this.concurrency = options.concurrency ?? defaults.concurrency;
  }

  /**
   * Stores the delivery and enqueues its processing atomically (inside `executor` when given, else a
   * transaction of its own). A (source, deliveryId) seen before stores nothing: `{ duplicate: true }`.
   * Without an executor, deliveries that arrive while a write is under way are written together in
   * the next transaction (group commit): one commit for a burst, each caller answered once it is durable.
   */
  async accept(delivery: IncomingDelivery, executor?: Executor): Promise<AcceptResult> {
    if (executor) return (await this.store(executor, [delivery]))[0]!;
    this.lastAcceptAt = Date.now();
    return new Promise<AcceptResult>((resolve, reject) => {
      this.waiting.push({ delivery, resolve, reject });
      if (!this.writing) void this.writeWaiting();
    });
  }

  private async writeWaiting(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        // Deliveries arrive one connection at a time: a moment's wait lets a burst share one commit.
        if (this.waiting.length < maxBatch) await new Promise((resolve) => setTimeout(resolve, gatherMs));
        const batch = this.waiting.splice(0, maxBatch);
        try {
          const results = await this.db.transaction((transaction) =>
            this.store(
              transaction,
              batch.map((item) => item.delivery),
            ),
          );
          batch.forEach((item, index) => item.resolve(results[index]!));
        } catch {
          // One bad delivery must not fail the others: write them one by one to find it.
          for (const item of batch) {
            await this.db.transaction((transaction) => this.store(transaction, [item.delivery])).then((results) => item.resolve(results[0]!), item.reject);
          }
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async store(executor: Executor, deliveries: IncomingDelivery[]): Promise<AcceptResult[]> {
    // A delivery repeats an earlier one when its sender's id or the digest of its signed bytes does.
    const keysOf = (delivery: IncomingDelivery) => [
      `id\u0000${delivery.source}\u0000${delivery.deliveryId}`,
      ...(delivery.signedDigest ? [`digest\u0000${delivery.source}\u0000${delivery.signedDigest}`] : []),
    ];
    const firstByKey = new Map<string, IncomingDelivery>();
    const firsts: IncomingDelivery[] = [];
    for (const delivery of deliveries) {
      const keys = keysOf(delivery);
      if (keys.some((key) => firstByKey.has(key))) continue;
      for (const key of keys) firstByKey.set(key, delivery);
      firsts.push(delivery);
    }
    // No conflict target: a clash on either unique index (sender's id, signed digest) stores nothing.
    const inserted = await executor
      .insert(webhookDeliveries)
      .values(
        firsts.map((delivery) => ({
          id: newId(),
          source: delivery.source,
          deliveryId: delivery.deliveryId,
          signedDigest: delivery.signedDigest ?? null,
          kind: delivery.kind,
          payload: delivery.payload as object,
          status: 'queued',
        })),
      )
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.id, source: webhookDeliveries.source, deliveryId: webhookDeliveries.deliveryId });
    const storedIds = new Map(inserted.map((row) => [`id\u0000${row.source}\u0000${row.deliveryId}`, row.id]));
    await this.queue.addMany(
      'webhooks',
      inserted.map((row) => ({ name: row.source, payload: { deliveryRowId: row.id } })),
      { maxAttempts: this.maxAttempts, backoffMs: this.backoffMs },
      executor,
    );
    const newlyStored = new Set(firsts.filter((delivery) => storedIds.has(keysOf(delivery)[0]!)));
    const existing = new Map<string, string>();
    const repeated = firsts.filter((delivery) => !newlyStored.has(delivery));
    if (repeated.length > 0) {
      const rows = await executor
        .select({
          id: webhookDeliveries.id,
          source: webhookDeliveries.source,
          deliveryId: webhookDeliveries.deliveryId,
          signedDigest: webhookDeliveries.signedDigest,
        })
        .from(webhookDeliveries)
        .where(
          or(
            ...repeated.flatMap((delivery) => [
              and(eq(webhookDeliveries.source, delivery.source), eq(webhookDeliveries.deliveryId, delivery.deliveryId)),
              ...(delivery.signedDigest ? [and(eq(webhookDeliveries.source, delivery.source), eq(webhookDeliveries.signedDigest, delivery.signedDigest))] : []),
            ]),
          ),
        );
      for (const row of rows) {
        existing.set(`id\u0000${row.source}\u0000${row.deliveryId}`, row.id);
        if (row.signedDigest) existing.set(`digest\u0000${row.source}\u0000${row.signedDigest}`, row.id);
      }
    }
    const rowIdOf = (delivery: IncomingDelivery) => {
      const first = keysOf(delivery)
        .map((key) => firstByKey.get(key))
        .find((found) => found !== undefined)!;
      if (newlyStored.has(first)) return storedIds.get(keysOf(first)[0]!)!;
      return (
        keysOf(delivery)
          .map((key) => existing.get(key))
          .find((id) => id !== undefined) ?? ''
      );
    };
    return deliveries.map((delivery) => {
      const first = keysOf(delivery)
        .map((key) => firstByKey.get(key))
        .find((found) => found !== undefined);
      // Only the first occurrence of a newly stored delivery is new; every other occurrence is a duplicate.
      return { duplicate: !(first === delivery && newlyStored.has(delivery)), id: rowIdOf(delivery) };
    });
  }

  /** Registers the processor of one source's deliveries (one per source). */
  handle(source: string, processor: DeliveryProcessor): void {
    if (this.processors.has(source)) throw new Error(`a processor for ${source} webhooks is already registered`);
    this.processors.set(source, processor);
  }

  /** Starts processing deliveries from the `webhooks` queue. Call once, after the processors are registered. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.queue.process('webhooks', this.concurrency, (job, signal) => this.process(job, signal));
  }

  async list(filter: ListDeliveriesFilter = {}): Promise<WebhookDeliveryRow[]> {
    const conditions = [
      filter.source ? eq(webhookDeliveries.source, filter.source) : undefined,
      filter.status ? eq(webhookDeliveries.status, filter.status) : undefined,
    ].filter((condition) => condition !== undefined);
    return this.db
      .select()
      .from(webhookDeliveries)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(webhookDeliveries.receivedAt), desc(webhookDeliveries.id))
      .limit(filter.limit ?? 50);
  }

  async get(id: string): Promise<WebhookDeliveryRow | undefined> {
    const [row] = await this.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
    return row;
  }

  async count(source?: string): Promise<number> {
    const [row] = await this.db
      .select({ count: sql<number>`count(*)::int` })
      .from(webhookDeliveries)
      .where(source ? eq(webhookDeliveries.source, source) : undefined);
    return Number(row?.count ?? 0);
  }

  /** Deliveries by status (every status present, zero when none). */
  async countByStatus(source?: string): Promise<Record<DeliveryStatus, number>> {
    const rows = await this.db
      .select({ status: webhookDeliveries.status, count: sql<number>`count(*)::int` })
      .from(webhookDeliveries)
      .where(source ? eq(webhookDeliveries.source, source) : undefined)
      .groupBy(webhookDeliveries.status);
    const counts = Object.fromEntries(deliveryStatuses.map((status) => [status, 0])) as Record<DeliveryStatus, number>;
    for (const row of rows) if (row.status in counts) counts[row.status as DeliveryStatus] = Number(row.count);
    return counts;
  }

  /**
   * Acknowledgements come first: while deliveries arrive or wait to be written, processing (which
   * shares the database) holds back, up to a second per delivery so a sustained flood cannot starve it.
   */
  private async yieldToAccepts(signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + maxYieldMs;
    while ((this.writing || this.waiting.length > 0 || Date.now() - this.lastAcceptAt < quietMs) && Date.now() < deadline && !signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private async process(job: Job, signal: AbortSignal): Promise<void> {
    await this.yieldToAccepts(signal);
    if (Date.now() - this.lastAcceptAt >= maxYieldMs) return this.processDelivery(job, signal);
    // While deliveries keep arriving (one within the last second), processing goes one delivery at
    // a time: run together, their statements hold the database, and the acknowledgements queued
    // behind it, for longer.
    const previous = this.floodLane;
    let release = () => {};
    this.floodLane = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      await this.processDelivery(job, signal);
    } finally {
      release();
    }
  }

  private async processDelivery(job: Job, signal: AbortSignal): Promise<void> {
    const rowId = String(job.payload.deliveryRowId ?? '');
    // One statement marks it processing and reads it; a row already processed (a crash after the
    // work but before the job completed) is left alone: the work is not done twice.
    const [row] = await this.db
      .update(webhookDeliveries)
      .set({ status: 'processing', attempts: job.attempt, updatedAt: new Date() })
      .where(and(eq(webhookDeliveries.id, rowId), ne(webhookDeliveries.status, 'processed')))
      .returning();
    if (!row) {
      if (await this.get(rowId)) return;
      throw new PermanentJobError(`webhook delivery ${rowId} is not in the inbox`);
    }
    const processor = this.processors.get(row.source);
    const lastAttempt = job.attempt >= job.maxAttempts;
    try {
      if (!processor) throw new Error(`no processor is registered for ${row.source} webhooks (is the integration configured?)`);
      const saveCheckpoint = async (checkpoint: Record<string, unknown>) => {
        await this.db.update(webhookDeliveries).set({ checkpoint, updatedAt: new Date() }).where(eq(webhookDeliveries.id, rowId));
      };
      const delivery = { id: row.id, source: row.source, deliveryId: row.deliveryId, kind: row.kind, payload: row.payload, attempt: job.attempt, lastAttempt };
      const outcome = await processor({ ...delivery, checkpoint: row.checkpoint ?? null, saveCheckpoint }, signal);
      const now = new Date();
      await this.db
        .update(webhookDeliveries)
        .set({ status: 'processed', outcome: outcome ? outcome.slice(0, longestError) : null, lastError: null, processedAt: now, updatedAt: now })
        .where(eq(webhookDeliveries.id, rowId));
    } catch (error) {
      const message = describeError(error);
      const final = lastAttempt || !isRetryable(error);
      await this.db
        .update(webhookDeliveries)
        .set({ status: final ? 'failed' : 'retrying', lastError: message, updatedAt: new Date() })
        .where(eq(webhookDeliveries.id, rowId));
      (final ? this.log.error : this.log.warn)(final ? 'webhook delivery failed' : 'webhook delivery failed; retrying', {
        source: row.source,
        deliveryId: row.deliveryId,
        attempt: job.attempt,
        error: message,
      });
      throw error;
    }
  }
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > longestError ? `${text.slice(0, longestError)}…` : text;
}
