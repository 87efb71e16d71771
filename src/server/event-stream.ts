import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { OperationStore } from '../pipeline/operation-store.ts';
import type { EventHub, RecordedEvent } from '../store/event-hub.ts';

const heartbeatMs = 15_000;
// A client this far behind (a stalled connection) is closed; it resumes with Last-Event-ID.
const maxLagBytes = 4 * 1024 * 1024;
const encoder = new TextEncoder();
const heartbeatFrame = encoder.encode(': heartbeat\n\n');
const openFrame = encoder.encode(': connected\n\n');
const streamHeaders = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' };

/**
 * An event as one SSE frame, encoded once however many clients receive it: the hub hands the
 * same object to every subscriber, so the frame is cached on it. Named frames (`event: <type>`)
 * suit clients that listen per type; unnamed ones arrive as `message` in a browser's EventSource,
 * so a page gets every type, including ones it has never heard of.
 */
const namedFrames = new WeakMap<RecordedEvent, Uint8Array>();
const unnamedFrames = new WeakMap<RecordedEvent, Uint8Array>();
function frameOf(event: RecordedEvent, named: boolean): Uint8Array {
  const cache = named ? namedFrames : unnamedFrames;
  let frame = cache.get(event);
  if (!frame) {
    // JSON.stringify escapes newlines, so the data is one line; type and sequence have none.
    frame = encoder.encode(`id: ${event.sequence}\n${named ? `event: ${event.type}\n` : ''}data: ${JSON.stringify(event)}\n\n`);
    cache.set(event, frame);
  }
  return frame;
}

/** Where one client's frames go: the Node socket when served over HTTP, else a web stream. */
interface FrameSink {
  write(frame: Uint8Array): void;
  /** Bytes written but not yet taken by the connection. */
  lagBytes(): number;
  end(): void;
}

/** Replays, then follows the hub, writing each frame synchronously as it is published. */
function followEvents(
  sink: FrameSink,
  services: { operations: OperationStore; hub: EventHub },
  filter: { operationId: string | undefined; named: boolean },
  after: number,
): () => void {
  const { operationId, named } = filter;
  let lastSent = after;
  let closed = false;
  let replaying = true;
  let sentSinceHeartbeat = false;
  const pending: RecordedEvent[] = [];
  const stop = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    offClose();
    clearInterval(heartbeat);
  };
  // Mender is stopping: end the stream, the client resumes with Last-Event-ID (on the next version, under a supervisor).
  const offClose = services.hub.onClose(() => {
    stop();
    sink.end();
  });
  const send = (event: RecordedEvent) => {
    if (closed || event.sequence <= lastSent) return;
    lastSent = event.sequence;
    sink.write(frameOf(event, named));
    sentSinceHeartbeat = true;
    if (sink.lagBytes() > maxLagBytes) {
      stop();
      sink.end();
    }
  };
  const unsubscribe = services.hub.subscribe((event) => {
    if (operationId && event.operationId !== operationId) return;
    if (replaying) pending.push(event);
    else send(event);
  });
  const heartbeat = setInterval(() => {
    if (!sentSinceHeartbeat && !closed) sink.write(heartbeatFrame);
    sentSinceHeartbeat = false;
  }, heartbeatMs);
  // Sent at once so the client sees the stream open before the first event.
  sink.write(openFrame);
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
    } catch {
      // The database went away (shutting down): end the stream; the client reconnects and resumes.
      stop();
      sink.end();
    }
  })();
  return stop;
}

/**
 * Server-sent events of the timeline, resumable: events after `Last-Event-ID` (or ?after=) are
 * replayed from the database, then live ones follow, without gaps or duplicates (`?names=off`:
 * frames without an event name). Each event is
 * serialised once and written to every client as the hub publishes it (no per-client task or
 * timer per event); a comment line after 15 s of silence keeps proxies from closing the stream.
 */
export function eventStream(c: Context, services: { operations: OperationStore; hub: EventHub }): Response {
  const filter = { operationId: c.req.query('operation') || undefined, named: c.req.query('names') !== 'off' };
  const lastId = Number(c.req.header('last-event-id') ?? c.req.query('after') ?? 0);
  const after = Number.isFinite(lastId) && lastId > 0 ? lastId : 0;
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (outgoing) {
    // Served by Node: write to the response directly, the cheapest path for many clients.
    outgoing.writeHead(200, streamHeaders);
    const stop = followEvents(
      { write: (frame) => void outgoing.write(frame), lagBytes: () => outgoing.writableLength, end: () => outgoing.destroy() },
      services,
      filter,
      after,
    );
    outgoing.once('close', stop);
    return RESPONSE_ALREADY_SENT;
  }
  // In-process requests (app.request in tests): a web stream.
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        stop = followEvents(
          {
            write: (frame) => controller.enqueue(frame),
            // With a high-water mark of 0 and sizes in bytes, -desiredSize is what the reader has not taken.
            lagBytes: () => Math.max(0, -(controller.desiredSize ?? 0)),
            end: () => controller.close(),
          },
          services,
          filter,
          after,
        );
      },
      cancel() {
        stop();
      },
    },
    { highWaterMark: 0, size: (frame) => frame.byteLength },
  );
  return new Response(body, { headers: streamHeaders });
}
