import { and, desc, eq, sql } from 'drizzle-orm';
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
   */
  async accept(delivery: IncomingDelivery, executor?: Executor): Promise<{ duplicate: boolean; id: string }> {
    if (executor) return this.store(executor, delivery);
    return this.db.transaction((transaction) => this.store(transaction, delivery));
  }

  private async store(executor: Executor, delivery: IncomingDelivery): Promise<{ duplicate: boolean; id: string }> {
    const [inserted] = await executor
      .insert(webhookDeliveries)
      .values({
        id: newId(),
        source: delivery.source,
        deliveryId: delivery.deliveryId,
        kind: delivery.kind,
        payload: delivery.payload as object,
        status: 'queued',
      })
      .onConflictDoNothing({ target: [webhookDeliveries.source, webhookDeliveries.deliveryId] })
      .returning({ id: webhookDeliveries.id });
    if (!inserted) {
      const [existing] = await executor
        .select({ id: webhookDeliveries.id })
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.source, delivery.source), eq(webhookDeliveries.deliveryId, delivery.deliveryId)));
      return { duplicate: true, id: existing?.id ?? '' };
    }
    await this.queue.add('webhooks', delivery.source, { deliveryRowId: inserted.id }, { maxAttempts: this.maxAttempts, backoffMs: this.backoffMs }, executor);
    return { duplicate: false, id: inserted.id };
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

  private async process(job: Job, signal: AbortSignal): Promise<void> {
    const rowId = String(job.payload.deliveryRowId ?? '');
    const row = await this.get(rowId);
    if (!row) throw new PermanentJobError(`webhook delivery ${rowId} is not in the inbox`);
    // Processed already (a crash after the work but before the job completed): do not do it twice.
    if (row.status === 'processed') return;
    await this.db.update(webhookDeliveries).set({ status: 'processing', attempts: job.attempt, updatedAt: new Date() }).where(eq(webhookDeliveries.id, rowId));
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
