import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';

interface ServerSentEvent {
  id: string | undefined;
  event: string | undefined;
  data: string;
}

interface EventStreamReader {
  status: number;
  /** Every event received so far, in order. */
  received: ServerSentEvent[];
  /** Waits until the events received so far satisfy `done`, then returns them all. */
  waitUntil(done: (events: ServerSentEvent[]) => boolean, timeoutMs?: number): Promise<ServerSentEvent[]>;
  close(): void;
}

/** Parses one SSE frame (the lines between two blank lines); comment-only frames give undefined. */
function parseFrame(frame: string): ServerSentEvent | undefined {
  const event: ServerSentEvent = { id: undefined, event: undefined, data: '' };
  const data: string[] = [];
  for (const line of frame.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') event.id = value;
    else if (field === 'event') event.event = value;
    else if (field === 'data') data.push(value);
  }
  if (event.id === undefined && event.event === undefined && data.length === 0) return undefined;
  event.data = data.join('\n');
  return event;
}

/** Opens `GET /api/events` on the listening server and reads its frames in the background. */
async function openEventStream(
  mender: MenderUnderTest,
  query = '',
  headers: Record<string, string> = { authorization: `Bearer ${adminToken}` },
): Promise<EventStreamReader> {
  const controller = new AbortController();
  const response = await fetch(`${mender.url}/api/events${query}`, { headers, signal: controller.signal });
  const received: ServerSentEvent[] = [];
  let ended = false;
  if (response.ok && response.body) {
    const decoder = new TextDecoder();
    let buffer = '';
    void (async () => {
      try {
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          const frames = buffer.split(/\r?\n\r?\n/);
          buffer = frames.pop() ?? '';
          for (const frame of frames) {
            const event = parseFrame(frame);
            if (event) received.push(event);
          }
        }
      } catch {
        // Aborted by close().
      } finally {
        ended = true;
      }
    })();
  } else {
    await response.body?.cancel();
  }
  return {
    status: response.status,
    received,
    async waitUntil(done, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done(received)) {
        if (ended) throw new Error(`the event stream ended after ${received.length} events: ${JSON.stringify(received)}`);
        if (Date.now() > deadline)
          throw new Error(`the event stream did not deliver what was expected within ${timeoutMs} ms; received ${JSON.stringify(received)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return [...received];
    },
    close: () => controller.abort(),
  };
}

interface TimelineEvent {
  sequence: number;
  operationId: string;
  type: string;
  data: Record<string, unknown>;
}

describe('event stream GET /api/events', () => {
  let mender: MenderUnderTest;
  let target: TargetRepository;
  const readers: EventStreamReader[] = [];

  beforeAll(async () => {
    // No model configured: an operation fails at planning at once, after a few events.
    mender = await startMenderUnderTest();
    target = createTargetRepository();
    const registered = await mender.call('POST', '/api/repos', { name: 'cart', path: target.path });
    expect(registered.status).toBe(201);
  });

  afterEach(() => {
    for (const reader of readers.splice(0)) reader.close();
  });

  afterAll(async () => {
    await mender?.close();
    target?.cleanup();
  });

  async function open(query = '', headers?: Record<string, string>): Promise<EventStreamReader> {
    const reader = await openEventStream(mender, query, headers);
    readers.push(reader);
    return reader;
  }

  /** Creates an operation and waits for it to fail; returns its id and its timeline. */
  async function failedOperation(description: string): Promise<{ id: string; timeline: TimelineEvent[] }> {
    const created = await mender.call('POST', '/api/operations', { type: 'fix', description, repo: 'cart' });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    const operation = await mender.waitForStatus(id, ['failed'], 20_000);
    expect(operation.failureReason).toContain('MENDER_MODEL');
    return { id, timeline: operation.timeline as TimelineEvent[] };
  }

  /** Every event stored so far, as a stream opened without Last-Event-ID replays them. */
  async function allEvents(): Promise<ServerSentEvent[]> {
    const reader = await open();
    // Replay is over once the newest stored event (the last one of the newest operation) has arrived.
    const operations = (await mender.call('GET', '/api/operations')).json.operations as { id: string }[];
    const newest = Math.max(
      ...(await Promise.all(
        operations.map(async (operation) => ((await mender.call('GET', `/api/operations/${operation.id}`)).json.timeline as TimelineEvent[]).at(-1)!.sequence),
      )),
    );
    const events = await reader.waitUntil((received) => received.some((event) => Number(event.id) === newest));
    reader.close();
    return events;
  }

  const endsWithFailureOf = (id: string) => (events: ServerSentEvent[]) =>
    events.some((event) => event.event === 'operation.failed' && JSON.parse(event.data).operationId === id);

  it('sends events live as they happen, with the sequence as id and the type as event name', async () => {
    const reader = await open();
    const { id, timeline } = await failedOperation('live events');
    expect(timeline.length).toBeGreaterThanOrEqual(3);
    const events = await reader.waitUntil(endsWithFailureOf(id));
    const ofOperation = events.filter((event) => JSON.parse(event.data).operationId === id);
    expect(ofOperation.map((event) => [event.id, event.event])).toEqual(timeline.map((event) => [String(event.sequence), event.type]));
    expect(ofOperation.map((event) => JSON.parse(event.data))).toEqual(timeline);
    expect(timeline.map((event) => event.type)).toEqual(expect.arrayContaining(['operation.created', 'operation.failed']));
  });

  it('with ?names=off sends the same frames without event names, so a browser gets every type as a message', async () => {
    const named = await open();
    const unnamed = await open('?names=off');
    const { id } = await failedOperation('unnamed frames');
    const withNames = (await named.waitUntil(endsWithFailureOf(id))).filter((event) => JSON.parse(event.data).operationId === id);
    const withoutNames = await unnamed.waitUntil((received) =>
      received.some((event) => JSON.parse(event.data).type === 'operation.failed' && JSON.parse(event.data).operationId === id),
    );
    const ofOperation = withoutNames.filter((event) => JSON.parse(event.data).operationId === id);
    expect(ofOperation.every((event) => event.event === undefined)).toBe(true);
    expect(ofOperation.map((event) => [event.id, event.data])).toEqual(withNames.map((event) => [event.id, event.data]));
  });

  it('replays exactly the events after Last-Event-ID, then continues live without a gap or a duplicate', async () => {
    await failedOperation('before the reconnect');
    const before = await allEvents();
    expect(before.length).toBeGreaterThanOrEqual(4);
    const resumeAfter = Number(before[before.length - 3]!.id);

    const resumed = await open('', { authorization: `Bearer ${adminToken}`, 'last-event-id': String(resumeAfter) });
    expect(resumed.status).toBe(200);
    const replayed = await resumed.waitUntil((received) => received.length >= 2);
    expect(replayed).toEqual(before.slice(-2));

    const { id } = await failedOperation('after the reconnect');
    const received = await resumed.waitUntil(endsWithFailureOf(id));
    const everything = await allEvents();
    expect(received).toEqual(everything.filter((event) => Number(event.id) > resumeAfter));
    const ids = received.map((event) => Number(event.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sends only the events of one operation with ?operation=', async () => {
    const first = await failedOperation('filtered: stored before the stream opens');
    const reader = await open(`?operation=${first.id}`);
    await reader.waitUntil((received) => received.length >= first.timeline.length);
    const second = await failedOperation('filtered: not this one');
    // An event of the filtered operation after the other's: the stream has seen past the other operation.
    const retried = await mender.call('POST', `/api/operations/${first.id}/retry`);
    expect(retried.status).toBe(200);
    await mender.waitForStatus(first.id, ['failed'], 20_000);
    const timeline = (await mender.call('GET', `/api/operations/${first.id}`)).json.timeline as TimelineEvent[];
    expect(timeline.length).toBeGreaterThan(first.timeline.length);
    const events = await reader.waitUntil((received) => received.length >= timeline.length);
    expect(events.map((event) => JSON.parse(event.data))).toEqual(timeline);
    expect(events.some((event) => JSON.parse(event.data).operationId === second.id)).toBe(false);
  });

  it('refuses a stream without the admin token', async () => {
    const missing = await open('', {});
    expect(missing.status).toBe(401);
    const wrong = await open('', { authorization: 'Bearer not-the-admin-token' });
    expect(wrong.status).toBe(401);
  });
});
