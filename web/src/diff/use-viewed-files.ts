import { useCallback, useEffect, useState } from 'react';

function read(key: string): Set<string> {
  try {
    const stored: unknown = JSON.parse(window.sessionStorage.getItem(key) ?? '[]');
    return new Set(Array.isArray(stored) ? stored.filter((entry): entry is string => typeof entry === 'string') : []);
  } catch {
    return new Set();
  }
}

/**
 * The files a reviewer marked viewed, kept in this tab's sessionStorage under `key` (the
 * operation and its head commit: a new commit starts the review of its files afresh).
 */
export function useViewedFiles(key: string | undefined): [ReadonlySet<string>, (path: string, viewed: boolean) => void] {
  const [viewed, setViewed] = useState<ReadonlySet<string>>(() => (key ? read(key) : new Set()));
  useEffect(() => setViewed(key ? read(key) : new Set()), [key]);
  const mark = useCallback(
    (path: string, isViewed: boolean) => {
      setViewed((current) => {
        const next = new Set(current);
        if (isViewed) next.add(path);
        else next.delete(path);
        try {
          if (key) window.sessionStorage.setItem(key, JSON.stringify([...next]));
        } catch {
          // kept for this page only
        }
        return next;
      });
    },
    [key],
  );
  return [viewed, mark];
}
