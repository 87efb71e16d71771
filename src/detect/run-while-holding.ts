import type { SessionLocks } from '../store/session-locks.ts';

const retryEveryMs = 15_000;

/**
 * Runs `start` in the one process that holds the session lock `name` (health checks probe a
 * service once, whichever web replica runs them): tries now and every 15 s until it holds it,
 * stops what it started if the lock is lost, and tries again. Returns the stop.
 */
export function runWhileHolding(locks: SessionLocks, name: string, start: () => () => void, onError: (error: Error) => void): () => void {
  let stopRunning: (() => void) | undefined;
  let stopped = false;
  const attempt = async () => {
    if (stopped || stopRunning) return;
    try {
      if ((await locks.tryLock(name)) && !stopped) stopRunning = start();
    } catch (error) {
      onError(error as Error);
    }
  };
  locks.onLost(() => {
    stopRunning?.();
    stopRunning = undefined;
  });
  void attempt();
  const timer = setInterval(() => void attempt(), retryEveryMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
    stopRunning?.();
    stopRunning = undefined;
  };
}
