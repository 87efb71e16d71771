/** How many failed sign-ins a name or an address may have within the window before it must wait. */
export interface ThrottleOptions {
  limit: number;
  windowMs: number;
  now: () => Date;
}

/**
 * Failed sign-ins per key (a user name, an address), in memory: a guesser is slowed to `limit`
 * tries per window. In memory because sign-ins reach one process; a restart forgets the counts.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly options: ThrottleOptions) {}

  /** Seconds until `keys` may try again, or 0 when none of them is over the limit. */
  retryAfterSeconds(keys: string[]): number {
    const now = this.options.now().getTime();
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= this.options.limit)
        wait = Math.max(wait, Math.ceil((recent[recent.length - this.options.limit]! + this.options.windowMs - now) / 1000));
    }
    return wait;
  }

  recordFailure(keys: string[]): void {
    const now = this.options.now().getTime();
    for (const key of keys) this.failures.set(key, [...this.recent(key, now), now]);
    // Keys whose failures all aged out are dropped, so the map cannot grow without bound.
    if (this.failures.size > 10_000) for (const key of [...this.failures.keys()]) if (this.recent(key, now).length === 0) this.failures.delete(key);
  }

  /** A successful sign-in clears its name's count (not the address's: one good account must not unlock guessing). */
  clear(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((at) => at > now - this.options.windowMs);
  }
}
