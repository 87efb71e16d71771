import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { OperationStore } from '../pipeline/operation-store.ts';
import type { EventHub, RecordedEvent } from '../store/event-hub.ts';

const heartbeatMs = 15_000;

/**
 * Server-sent events of the timeline, resumable: events after `Last-Event-ID` (or ?after=) are
 * replayed from the database, then live ones follow, without gaps or duplicates.
 */
export function eventStream(c: Context, services: { operations: OperationStore; hub: EventHub }): Response {
  const operationId = c.req.query('operation') || undefined;
  const lastId = Number(c.req.header('last-event-id') ?? c.req.query('after') ?? 0);
  let lastSent = Number.isFinite(lastId) && lastId > 0 ? lastId : 0;
  return streamSSE(c, async (stream) => {
    const pending: RecordedEvent[] = [];
    let replaying = true;
    let wake: (() => void) | undefined;
    const unsubscribe = services.hub.subscribe((event) => {
      if (operationId && event.operationId !== operationId) return;
      pending.push(event);
      wake?.();
    });
    stream.onAbort(() => {
      unsubscribe();
      wake?.();
    });
    const send = async (event: RecordedEvent) => {
      if (event.sequence <= lastSent) return;
      lastSent = event.sequence;
      await stream.writeSSE({ id: String(event.sequence), event: event.type, data: JSON.stringify(event) });
    };
    try {
      for (let batch = await services.operations.eventsAfter(lastSent, operationId); batch.length > 0; batch = await services.operations.eventsAfter(lastSent, operationId)) {
        for (const event of batch) await send(event);
      }
      replaying = false;
      while (!stream.aborted && !replaying) {
        while (pending.length > 0) await send(pending.shift()!);
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, heartbeatMs);
        });
        clearTimeout(timer);
        wake = undefined;
        if (pending.length === 0 && !stream.aborted) await stream.write(': heartbeat\n\n');
      }
    } finally {
      unsubscribe();
    }
  });
}
