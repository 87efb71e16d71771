import pg from 'pg';
import { asc, gt, sql } from 'drizzle-orm';
import type { Database } from './database.ts';
import type { EventHub, EventSource, RecordedEvent } from './event-hub.ts';
import { eventsChannel } from './event-order-lock.ts';
import { events } from './schema.ts';

export interface EventRelayOptions {
  db: Database;
  hub: EventHub;
  /** The PostgreSQL server's URL: the relay holds one connection of its own there, for LISTEN. */
  databaseUrl: string;
  /** A read of the table however quiet the channel: covers a notification lost with its connection. */
  pollMs?: number;
  /** The first wait before connecting again after the listening connection is lost (doubled up to 5 s). */
  reconnectMs?: number;
  batchSize?: number;
  onError?: (message: string, error: Error) => void;
}

export interface EventRelayStats {
  /** Events delivered to this process's hub since start. */
  relayed: number;
  /** The last delivered event's sequence. */
  lastSequence: number;
  /** Seconds from the last delivered event's `at` to its delivery here. */
  lastLagSeconds: number | undefined;
}

/**
 * Delivers every committed event of the database to this process's hub, whatever process
 * recorded it, in sequence order, each once. Writers notify `mender_events` in their
 * transaction (event-order-lock.ts); a dedicated connection LISTENs and wakes the relay, as does a
 * local publish and a slow poll. Why this cannot deliver out of order or twice: only `drain` calls
 * `hub.deliver`, one drain runs at a time (a wake during it just asks for another round), and it
 * delivers rows `sequence > lastSequence` in ascending order, raising `lastSequence` as it goes.
 * Why no gap: the order lock is taken before a writer's sequence is drawn and held until commit,
 * so when a read sees sequence N every smaller sequence has committed (visible in the same
 * read) or rolled back (never there).
 */
export class EventRelay implements EventSource {
  private readonly pollMs: number;
  private readonly batchSize: number;
  private lastSequence = 0;
  private relayed = 0;
  private lastLagSeconds: number | undefined;
  private draining: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private listener: pg.Client | undefined;
  private poll: NodeJS.Timeout | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private reconnectDelayMs: number;

  constructor(private readonly options: EventRelayOptions) {
    this.pollMs = options.pollMs ?? 1500;
    this.batchSize = options.batchSize ?? 500;
    this.reconnectDelayMs = options.reconnectMs ?? 250;
  }

  /** Starts after the last event already recorded (older ones are replayed from the table by who needs them). */
  async start(): Promise<void> {
    const [row] = await this.options.db.select({ last: sql<string | null>`max(${events.sequence})` }).from(events);
    this.lastSequence = Number(row?.last ?? 0);
    this.stopped = false;
    this.options.hub.followSource(this);
    await this.listen();
    this.poll = setInterval(() => this.wake(), this.pollMs);
    this.poll.unref();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain()
      .catch((error: unknown) => this.report('events could not be read; the next poll tries again', error))
      .finally(() => {
        this.draining = undefined;
      });
  }

  stats(): EventRelayStats {
    return { relayed: this.relayed, lastSequence: this.lastSequence, lastLagSeconds: this.lastLagSeconds };
  }

  /** Stops listening and polling, within about 3 s whatever the server does. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poll);
    clearTimeout(this.reconnect);
    const listener = this.listener;
    this.listener = undefined;
    if (listener) {
      listener.removeAllListeners('end');
      // A connection whose server went away would make end() wait; the error is of no use now.
      listener.on('error', () => {});
      await Promise.race([listener.end().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    }
    // A read under way finishes, unless the database stopped answering: stopping never waits on it long.
    await Promise.race([this.draining, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      const rows = await this.options.db
        .select()
        .from(events)
        .where(gt(events.sequence, this.lastSequence))
        .orderBy(asc(events.sequence))
        .limit(this.batchSize);
      const delivered: RecordedEvent[] = [];
      for (const row of rows) {
        if (row.sequence <= this.lastSequence) continue;
        this.lastSequence = row.sequence;
        delivered.push({ sequence: row.sequence, operationId: row.operationId, type: row.type, actor: row.actor, data: row.data, at: row.at.toISOString() });
      }
      const last = delivered.at(-1);
      if (!last) continue;
      this.relayed += delivered.length;
      this.lastLagSeconds = Math.max(0, (Date.now() - Date.parse(last.at)) / 1000);
      this.options.hub.deliver(delivered);
      if (rows.length === this.batchSize) this.again = true;
    } while (this.again && !this.stopped);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl });
    const lost = (error?: Error) => {
      if (this.listener !== client) return;
      this.listener = undefined;
      client.removeAllListeners();
      client.on('error', () => {});
      void client.end().catch(() => {});
      if (error) this.report('the listening connection was lost; connecting again', error);
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost(new Error('connection ended')));
    client.on('notification', () => this.wake());
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${eventsChannel}`);
    } catch (error) {
      lost(error as Error);
      return;
    }
    if (this.listener !== client) {
      // Stopped while connecting.
      client.on('error', () => {});
      void client.end().catch(() => {});
      return;
    }
    this.reconnectDelayMs = this.options.reconnectMs ?? 250;
    // Whatever was committed while no connection listened.
    this.wake();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(delay * 2, 5000);
    this.reconnect = setTimeout(() => void this.listen(), delay);
    this.reconnect.unref();
  }

  private report(message: string, error: unknown): void {
    if (!this.stopped) this.options.onError?.(message, error instanceof Error ? error : new Error(String(error)));
  }
}
