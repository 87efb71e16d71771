import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { TimelineEvent } from '../../../src/server/api-types.ts';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting';

/** What subscribers receive: an event, or `resync` after a reconnect (pages reload what they show). */
export type LiveMessage = { kind: 'event'; event: TimelineEvent } | { kind: 'resync' };

interface LiveValue {
  connection: ConnectionState;
  subscribe(listener: (message: LiveMessage) => void): () => void;
}

const LiveContext = createContext<LiveValue | undefined>(undefined);

const retryDelaysMs = [1_000, 2_000, 5_000, 10_000];

/**
 * One EventSource on /api/events for the whole page. The browser reconnects by itself and resends
 * Last-Event-ID; when it gives up (the server refused the stream) a new one resumes with ?after=.
 * `names=off` asks for unnamed frames, so every event type arrives as `message`.
 */
export function LiveEventsProvider({ children }: { children: ReactNode }) {
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const listeners = useRef(new Set<(message: LiveMessage) => void>());
  const source = useRef<EventSource | undefined>(undefined);
  const lastSequence = useRef(0);
  const handler = useRef<(message: MessageEvent<string>) => void>(() => undefined);

  useEffect(() => {
    let closed = false;
    let retries = 0;
    let retryTimer: number | undefined;
    let everOpened = false;
    const broadcast = (message: LiveMessage) => {
      for (const listener of listeners.current) listener(message);
    };
    handler.current = (message: MessageEvent<string>) => {
      let event: TimelineEvent;
      try {
        event = JSON.parse(message.data) as TimelineEvent;
      } catch {
        return;
      }
      if (event.sequence <= lastSequence.current) return;
      lastSequence.current = event.sequence;
      broadcast({ kind: 'event', event });
    };
    const open = () => {
      const url = lastSequence.current > 0 ? `/api/events?names=off&after=${lastSequence.current}` : '/api/events?names=off';
      const eventSource = new EventSource(url, { withCredentials: true });
      source.current = eventSource;
      eventSource.addEventListener('message', handler.current);
      eventSource.onopen = () => {
        retries = 0;
        setConnection('live');
        if (everOpened) broadcast({ kind: 'resync' });
        everOpened = true;
      };
      eventSource.onerror = () => {
        if (closed) return;
        setConnection('reconnecting');
        if (eventSource.readyState === EventSource.CLOSED) {
          const delay = retryDelaysMs[Math.min(retries, retryDelaysMs.length - 1)];
          retries += 1;
          retryTimer = window.setTimeout(() => {
            if (!closed) open();
          }, delay);
        }
      };
    };
    open();
    return () => {
      closed = true;
      window.clearTimeout(retryTimer);
      source.current?.close();
      source.current = undefined;
    };
  }, []);

  const value = useMemo<LiveValue>(
    () => ({
      connection,
      subscribe: (listener) => {
        listeners.current.add(listener);
        return () => listeners.current.delete(listener);
      },
    }),
    [connection],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveValue {
  const value = useContext(LiveContext);
  if (!value) throw new Error('useLive outside LiveEventsProvider');
  return value;
}

/** Calls `listener` for every live message; the latest listener is used without resubscribing. */
export function useLiveMessages(listener: (message: LiveMessage) => void): void {
  const { subscribe } = useLive();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => subscribe((message) => latest.current(message)), [subscribe]);
}

/** True while the live connection is lost: actions wait (their answer could not be followed). */
export function useOffline(): boolean {
  return useLive().connection === 'reconnecting';
}
