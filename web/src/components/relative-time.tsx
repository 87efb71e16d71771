import { useEffect, useState } from 'react';
import { absoluteTime, relativeTime } from '../format/time.ts';

// One timer for every relative time on the page: "just now" becomes "2 min ago" without events.
const listeners = new Set<() => void>();
let timer: number | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= window.setInterval(() => {
    for (const notify of listeners) notify();
  }, 15_000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The time now, updated on the page's one 15-second timer (for durations that run while you look). */
export function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => subscribe(() => setNow(Date.now())), []);
  return now;
}

/** "3 min ago", kept current, with the exact time on hover; `bare` drops the "ago". */
export function RelativeTime({ at, bare }: { at: string | null | undefined; bare?: boolean }) {
  const now = useNow();
  if (!at) return <span>—</span>;
  const text = relativeTime(at, now);
  return (
    <time dateTime={at} title={absoluteTime(at)}>
      {bare ? text.replace(/ ago$/, '') : text}
    </time>
  );
}
