/**
 * Follows Mender's timeline over its real SSE endpoint (`GET /api/events`), so a benchmark learns
 * the moment an event is published without polling the API (polling would load the same database
 * the pipeline writes to, and round the wall time up to the polling interval).
 */
export interface WatchedEvent {
  sequence: number;
  operationId: string | null;
  type: string;
  data: Record<string, unknown>;
  /** The event's own time, as the database wrote it. */
  at: string;
  /** Date.now() when this process received it. */
  receivedAt: number;
}

export interface EventWatcher {
  /** Resolves with the first event (already received or to come) that matches; rejects after the timeout. */
  waitFor(predicate: (event: WatchedEvent) => boolean, timeoutMs: number, describe: string): Promise<WatchedEvent>;
  close(): void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function watchEvents(baseUrl: string, token: string): Promise<EventWatcher> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/events`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  if (!response.ok || !response.body) throw new Error(`the event stream was refused (HTTP ${response.status})`);
  const received: WatchedEvent[] = [];
  const waiters = new Set<() => void>();
  let streamError: unknown;

  const accept = (block: string) => {
    const dataLine = block.split('\n').find((line) => line.startsWith('data:'));
    if (!dataLine) return;
    const parsed: unknown = JSON.parse(dataLine.slice('data:'.length).trim());
    if (!isRecord(parsed) || typeof parsed.type !== 'string' || typeof parsed.sequence !== 'number') return;
    received.push({
      sequence: parsed.sequence,
      operationId: typeof parsed.operationId === 'string' ? parsed.operationId : null,
      type: parsed.type,
      data: isRecord(parsed.data) ? parsed.data : {},
      at: typeof parsed.at === 'string' ? parsed.at : '',
      receivedAt: Date.now(),
    });
    for (const wake of waiters) wake();
  };

  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let boundary: number;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        accept(buffer.slice(0, boundary));
        buffer = buffer.slice(boundary + 2);
      }
    }
  })().catch((error: unknown) => {
    if (!controller.signal.aborted) streamError = error;
    for (const wake of waiters) wake();
  });

  return {
    waitFor(predicate, timeoutMs, describe) {
      return new Promise<WatchedEvent>((resolve, reject) => {
        const check = () => {
          const found = received.find(predicate);
          const failure = found
            ? undefined
            : streamError
              ? new Error(`the event stream ended while waiting for ${describe}: ${String(streamError)}`)
              : undefined;
          if (!found && !failure) return;
          waiters.delete(check);
          clearTimeout(timer);
          if (found) resolve(found);
          else reject(failure);
        };
        // check() runs only after this line, so it never sees the timer unset.
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${describe} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      controller.abort();
    },
  };
}
