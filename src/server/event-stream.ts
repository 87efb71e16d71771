import type { Context } from 'hono';
import type { OperationStore } from '../pipeline/operation-store.ts';
import type { EventHub, RecordedEvent } from '../store/event-hub.ts';

const heartbeatMs = 15_000;
// A client this many frames behind (a stalled connection) is closed; it resumes with Last-Event-ID.
const maxQueuedFrames = 5_000;
const encoder = new TextEncoder();
const heartbeatFrame = encoder.encode(': heartbeat\n\n');
const openFrame = encoder.encode(': connected\n\n');

/**
 * An event as one SSE frame, encoded once however many clients receive it: the hub hands the
 * same object to every subscriber, so the frame is cached on it.
 */
const frames = new WeakMap<RecordedEvent, Uint8Array>();
function frameOf(event: RecordedEvent): Uint8Array {
  let frame = frames.get(event);
  if (!frame) {
    // JSON.stringify escapes newlines, so the data is one line; type and sequence have none.
    frame = encoder.encode(`id: ${event.sequence}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    frames.set(event, frame);
  }
  return frame;
}

/**
 * Server-sent events of the timeline, resumable: events after `Last-Event-ID` (or ?after=) are
 * replayed from the database, then live ones follow, without gaps or duplicates. Live events are
 * enqueued synchronously as the hub publishes them (no per-client task or timer per event); a
 * comment line every 15 s of silence keeps proxies from closing the connection.
 */
export function eventStream(c: Context, services: { operations: OperationStore; hub: EventHub }): Response {
  const operationId = c.req.query('operation') || undefined;
  const lastId = Number(c.req.header('last-event-id') ?? c.req.query('after') ?? 0);
  let lastSent = Number.isFinite(lastId) && lastId > 0 ? lastId : 0;
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let closed = false;
        let replaying = true;
        let sentSinceHeartbeat = false;
        const pending: RecordedEvent[] = [];
        const send = (event: RecordedEvent) => {
          if (closed || event.sequence <= lastSent) return;
          lastSent = event.sequence;
          controller.enqueue(frameOf(event));
          sentSinceHeartbeat = true;
          if ((controller.desiredSize ?? 0) < -maxQueuedFrames) {
            stop();
            controller.close();
          }
        };
        const unsubscribe = services.hub.subscribe((event) => {
          if (operationId && event.operationId !== operationId) return;
          if (replaying) pending.push(event);
          else send(event);
        });
        const heartbeat = setInterval(() => {
          if (!sentSinceHeartbeat && !closed) controller.enqueue(heartbeatFrame);
          sentSinceHeartbeat = false;
        }, heartbeatMs);
        stop = () => {
          closed = true;
          unsubscribe();
          clearInterval(heartbeat);
        };
        // Sent at once so the client sees the stream open before the first event.
        controller.enqueue(openFrame);
        void (async () => {
          try {
            for (
              let batch = await services.operations.eventsAfter(lastSent, operationId);
              batch.length > 0 && !closed;
              batch = await services.operations.eventsAfter(lastSent, operationId)
            ) {
              for (const event of batch) send(event);
            }
            replaying = false;
            for (const event of pending.splice(0)) send(event);
          } catch (error) {
            if (!closed) {
              stop();
              controller.error(error);
            }
          }
        })();
      },
      cancel() {
        stop();
      },
    },
    // Counted in frames: desiredSize says how far the connection lags.
    { highWaterMark: 0 },
  );
  return new Response(body, {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' },
  });
}
