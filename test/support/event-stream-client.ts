/** One event as `GET /api/events` sends it. */
export interface StreamedEvent {
  sequence: number;
  operationId: string | null;
  type: string;
}

export interface EventStreamClient {
  /** Every event received so far, in the order it arrived. */
  events: StreamedEvent[];
  /** How many times the stream ended and was resumed with Last-Event-ID. */
  reconnects(): number;
  close(): void;
}

/**
 * Follows a Mender's event stream as a dashboard would: from the start, resuming with
 * Last-Event-ID whenever the connection ends, until closed.
 */
export function followEventStream(url: string, token: string): EventStreamClient {
  const events: StreamedEvent[] = [];
  const controller = new AbortController();
  let reconnects = 0;
  let lastId = 0;

  const readOnce = async () => {
    const response = await fetch(`${url}/api/events?names=off`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...(lastId ? { 'last-event-id': String(lastId) } : {}) },
      signal: controller.signal,
    });
    if (!response.ok || !response.body) throw new Error(`GET /api/events answered ${response.status}`);
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of response.body) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const frame = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = frame
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n');
        if (!data) continue;
        const event = JSON.parse(data) as StreamedEvent;
        events.push({ sequence: event.sequence, operationId: event.operationId, type: event.type });
        lastId = event.sequence;
      }
    }
  };

  void (async () => {
    while (!controller.signal.aborted) {
      try {
        await readOnce();
      } catch {
        if (controller.signal.aborted) return;
      }
      if (controller.signal.aborted) return;
      reconnects += 1;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();

  return { events, reconnects: () => reconnects, close: () => controller.abort() };
}
