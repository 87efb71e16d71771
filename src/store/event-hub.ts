import { EventEmitter } from 'node:events';

export interface RecordedEvent {
  sequence: number;
  operationId: string | null;
  type: string;
  actor: string;
  data: Record<string, unknown>;
  at: string;
}

/**
 * Which events a subscriber gets. `all`: every event of the database, whatever process recorded
 * it (SSE, metrics of what happened, `--wait`). `recorded-here`: only the events this process
 * recorded, as it publishes them — for subscribers that act on an event (a Slack message, a Jira
 * comment, a commit status, the detector's follow-up), which every process runs: each event is
 * then acted on once across processes, by the process that recorded it.
 */
export type EventScope = 'all' | 'recorded-here';

/** What feeds `all` subscribers from the database (store/event-relay.ts). */
export interface EventSource {
  /** Events were committed: read and deliver them soon. */
  wake(): void;
}

/** Fan-out of events after their transaction committed (SSE, metrics, CLI --wait, notifications). */
export class EventHub {
  private readonly emitter = new EventEmitter();
  private source: EventSource | undefined;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /**
   * A writer's events, after its commit. Without a source (one process, PGlite) they go to every
   * subscriber at once. With one, `all` subscribers get them only from the source, in sequence
   * order: a local publish just wakes it, so it can never overtake an earlier event recorded by
   * another process, nor be delivered twice.
   */
  publish(events: RecordedEvent[]): void {
    for (const event of events) this.emitter.emit('recorded-here', event);
    if (this.source) {
      if (events.length > 0) this.source.wake();
      return;
    }
    for (const event of events) this.emitter.emit('event', event);
  }

  /** From now on `all` subscribers are fed by `source` alone (`deliver`). */
  followSource(source: EventSource): void {
    this.source = source;
  }

  /** The source's delivery: events in sequence order, each once. */
  deliver(events: RecordedEvent[]): void {
    for (const event of events) this.emitter.emit('event', event);
  }

  subscribe(listener: (event: RecordedEvent) => void, scope: EventScope = 'all'): () => void {
    const name = scope === 'all' ? 'event' : 'recorded-here';
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  /** The process stops: followers that hold a connection open (event streams) end theirs. */
  close(): void {
    this.emitter.emit('close');
  }

  onClose(listener: () => void): () => void {
    this.emitter.on('close', listener);
    return () => this.emitter.off('close', listener);
  }
}
