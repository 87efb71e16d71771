export interface RateLimiterOptions {
  /** Most operations allowed per key within any window. */
  limit: number;
  windowMs: number;
  /** Milliseconds since some fixed point; injected in tests. */
  clock?: () => number;
}

export interface RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  /** Counts one operation for the key; false when the key has used its limit in the last window. */
  take(key: string): boolean;
  /** How long until the key may take again (0 when it may now). */
  millisecondsUntilAvailable(key: string): number;
}

/** A sliding-window limiter: remembers the time of each operation in the last window, per key. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { limit, windowMs } = options;
  const clock = options.clock ?? (() => Date.now());
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`rate limit must be a positive integer, got ${limit}`);
  if (!(windowMs > 0)) throw new RangeError(`rate limit window must be positive, got ${windowMs} ms`);

  const takenAtByKey = new Map<string, number[]>();

  function recentTimes(key: string, now: number): number[] {
    const times = takenAtByKey.get(key) ?? [];
    let expired = 0;
    while (expired < times.length && times[expired]! <= now - windowMs) expired += 1;
    if (expired > 0) times.splice(0, expired);
    if (times.length === 0) takenAtByKey.delete(key);
    return times;
  }

  return {
    limit,
    windowMs,
    take(key) {
      const now = clock();
      const times = recentTimes(key, now);
      if (times.length >= limit) return false;
      times.push(now);
      takenAtByKey.set(key, times);
      return true;
    },
    millisecondsUntilAvailable(key) {
      const now = clock();
      const times = recentTimes(key, now);
      if (times.length < limit) return 0;
      return times[times.length - limit]! + windowMs - now;
    },
  };
}
