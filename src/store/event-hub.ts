import { EventEmitter } from 'node:events';

export interface RecordedEvent {
  sequence: number;
  operationId: string | null;
  type: string;
  actor: string;
  data: Record<string, unknown>;
  at: string;
}

/** In-process fan-out of events after their transaction committed (SSE, metrics, CLI --wait). */
export class EventHub {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(events: RecordedEvent[]): void {
    for (const event of events) this.emitter.emit('event', event);
  }

  subscribe(listener: (event: RecordedEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
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
