import { Counter, Gauge, type Registry } from 'prom-client';
import { eq } from 'drizzle-orm';
import { isTerminalStatus } from '../domain/operation-vocabulary.ts';
import type { Database } from './database.ts';
import type { EventHub } from './event-hub.ts';
import type { EventRelay } from './event-relay.ts';
import { operations } from './schema.ts';

const rememberedTypes = 1000;

/**
 * The event relay's gauges, and operations started and completed. Those two count the events
 * this process recorded (the hub's `recorded-here` scope): each transition is recorded by one
 * process, so `sum()` over every process (web, worker, all; any number of replicas) counts it
 * exactly once, and a process's own series is what it did. The relay's figures are per process:
 * each process relays every event.
 */
export function registerEventMetrics(registry: Registry, options: { db: Database; hub: EventHub; relay: EventRelay | undefined }): () => void {
  const { db, hub, relay } = options;
  if (relay) {
    new Gauge({
      name: 'mender_event_relay_lag_seconds',
      help: 'Seconds from the last relayed event being recorded (its `at`, the start of its transaction) to its delivery in this process.',
      registers: [registry],
      collect() {
        const lag = relay.stats().lastLagSeconds;
        if (lag === undefined) this.reset();
        else this.set(lag);
      },
    });
    new Counter({
      name: 'mender_events_relayed_total',
      help: 'Events the relay delivered to this process from the database (every process relays every event).',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(relay.stats().relayed);
      },
    });
  }
  const started = new Counter({
    name: 'mender_operations_started_total',
    help: 'Operations started (left the queue for work), counted by the process that recorded it: sum() over processes.',
    labelNames: ['type'],
    registers: [registry],
  });
  const completed = new Counter({
    name: 'mender_operations_completed_total',
    help: 'Operations that reached a terminal status, by outcome (that status), counted by the process that recorded it: sum() over processes.',
    labelNames: ['type', 'outcome'],
    registers: [registry],
  });
  const types = new Map<string, string>();
  const typeOf = async (operationId: string): Promise<string> => {
    const known = types.get(operationId);
    if (known) return known;
    const [row] = await db.select({ type: operations.type }).from(operations).where(eq(operations.id, operationId));
    const type = row?.type ?? 'unknown';
    if (types.size >= rememberedTypes) types.clear();
    types.set(operationId, type);
    return type;
  };
  return hub.subscribe((event) => {
    // An operation's status change is an event with `from` and `to` (OperationStore.transition); a deployment's has them too.
    const operationId = event.operationId;
    const { from, to } = event.data;
    if (!operationId || event.type.startsWith('deployment.') || typeof from !== 'string' || typeof to !== 'string') return;
    // Started: out of the queue into work (planning, or executing for a rollback); a retry starts again.
    const isStart = from === 'queued' && !isTerminalStatus(to);
    const isEnd = isTerminalStatus(to);
    if (!isStart && !isEnd) return;
    void typeOf(operationId)
      .then((type) => {
        if (isStart) started.inc({ type });
        if (isEnd) completed.inc({ type, outcome: to });
      })
      .catch(() => {
        // The database is going away (stopping): this count is lost with the process's counters.
      });
  }, 'recorded-here');
}
