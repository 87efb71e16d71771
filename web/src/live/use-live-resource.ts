import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/api-error.ts';
import type { TimelineEvent } from '../../../src/server/api-types.ts';
import { useLiveMessages } from './live-events-provider.tsx';

export interface LiveResource<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload(): void;
}

const settleMs = 250;

/**
 * Loads `load()` and loads it again (coalesced) whenever a live event for which `isRelevant`
 * holds arrives, and after a reconnect. `key` changes start over.
 */
export function useLiveResource<T>(load: () => Promise<T>, key: string, isRelevant: (event: TimelineEvent) => boolean = () => true): LiveResource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);
  const timer = useRef<number | undefined>(undefined);

  const run = useCallback(() => {
    const mine = ++generation.current;
    loadRef
      .current()
      .then((value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(undefined);
      })
      .catch((caught: unknown) => {
        if (mine !== generation.current) return;
        setError(caught instanceof ApiError ? caught : new ApiError(0, 'error', caught instanceof Error ? caught.message : String(caught)));
      })
      .finally(() => {
        if (mine === generation.current) setLoading(false);
      });
  }, []);

  useEffect(() => {
    setData(undefined);
    setError(undefined);
    setLoading(true);
    run();
    return () => {
      generation.current += 1;
      window.clearTimeout(timer.current);
      timer.current = undefined;
    };
  }, [key, run]);

  // At most one load per settle period: a burst of events is one reload, and a steady stream of
  // them (a running operation's tool calls) still reloads regularly instead of never.
  const schedule = useCallback(() => {
    if (timer.current !== undefined) return;
    timer.current = window.setTimeout(() => {
      timer.current = undefined;
      run();
    }, settleMs);
  }, [run]);

  useLiveMessages((message) => {
    if (message.kind === 'resync' || isRelevant(message.event)) schedule();
  });

  return { data, error, loading, reload: run };
}
