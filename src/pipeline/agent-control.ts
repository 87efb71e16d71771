import { eq } from 'drizzle-orm';
import type { Database } from '../store/database.ts';
import { agentState, events } from '../store/schema.ts';
import { appendAudit } from '../store/audit-log.ts';
import { lockEventOrder } from '../store/event-order-lock.ts';
import type { EventHub, RecordedEvent } from '../store/event-hub.ts';
import type { PauseSwitch } from './pipeline-ports.ts';

export interface PauseState {
  paused: boolean;
  by?: string;
  at?: string;
  reason?: string;
}

/** The reason a step's signal carries when the kill switch stopped it; the step runs again on resume. */
export class PausedError extends Error {
  override name = 'PausedError';
}

/**
 * The kill switch. The paused flag is durable (a restart stays paused); while paused no step
 * starts, and pausing aborts the running ones, whose model calls and commands stop with them.
 */
export class AgentControl implements PauseSwitch {
  private state: PauseState = { paused: false };
  private waiters: (() => void)[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly db: Database,
    private readonly hub: EventHub,
  ) {}

  async load(): Promise<void> {
    const [row] = await this.db.select().from(agentState).where(eq(agentState.key, 'pause'));
    if (row) this.state = row.value as PauseState;
  }

  status(): PauseState {
    return { ...this.state };
  }

  get paused(): boolean {
    return this.state.paused;
  }

  /** Called when a pause begins, so running steps can be aborted. */
  onPause(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async pause(by: string, reason?: string): Promise<PauseState> {
    if (this.state.paused) return this.status();
    this.state = { paused: true, by, at: new Date().toISOString(), reason };
    for (const listener of this.listeners) listener();
    await this.persist('agent.paused', by);
    return this.status();
  }

  async resume(by: string): Promise<PauseState> {
    if (!this.state.paused) return this.status();
    this.state = { paused: false, by, at: new Date().toISOString() };
    await this.persist('agent.resumed', by);
    this.wakeWaiters();
    return this.status();
  }

  /**
   * Follows a pause or resume made by another process on the same database: reads the durable
   * flag every `intervalMs` and acts as if the change were made here (running steps are aborted on
   * a pause, waiting ones released on a resume). Returns the function that stops following.
   */
  follow(intervalMs: number, onError: (error: unknown) => void = () => {}): () => void {
    let reading = false;
    const timer = setInterval(() => {
      if (reading) return;
      reading = true;
      this.db
        .select()
        .from(agentState)
        .where(eq(agentState.key, 'pause'))
        .then(([row]) => {
          const stored = row ? (row.value as PauseState) : { paused: false };
          // Only a newer decision: a pause made here may not be committed yet when the read began.
          if (stored.paused === this.state.paused || (stored.at ?? '') <= (this.state.at ?? '')) return;
          this.state = stored;
          if (stored.paused) for (const listener of this.listeners) listener();
          else this.wakeWaiters();
        })
        .catch(onError)
        .finally(() => (reading = false));
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private wakeWaiters(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const wake of waiting) wake();
  }

  /** Resolves at once when running, else when resumed; rejects when `signal` aborts first. */
  whenRunning(signal: AbortSignal): Promise<void> {
    if (!this.state.paused) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal.removeEventListener('abort', abort);
        resolve();
      };
      const abort = () => {
        this.waiters = this.waiters.filter((waiter) => waiter !== wake);
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      this.waiters.push(wake);
      signal.addEventListener('abort', abort, { once: true });
    });
  }

  private async persist(type: string, actor: string): Promise<void> {
    const published: RecordedEvent[] = [];
    await this.db.transaction(async (transaction) => {
      await lockEventOrder(transaction);
      await transaction
        .insert(agentState)
        .values({ key: 'pause', value: this.state, updatedAt: new Date() })
        .onConflictDoUpdate({ target: agentState.key, set: { value: this.state, updatedAt: new Date() } });
      const data = { ...this.state } as Record<string, unknown>;
      const [row] = await transaction.insert(events).values({ operationId: null, type, actor, data }).returning();
      await appendAudit(transaction, { actor, action: type, subject: 'agent', details: data });
      if (row) published.push({ sequence: row.sequence, operationId: null, type, actor, data, at: row.at.toISOString() });
    });
    this.hub.publish(published);
  }
}
