import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './operation-rate-limit.ts';

function manualClock(start = 1_000) {
  let now = start;
  return {
    now: () => now,
    advance(milliseconds: number) {
      now += milliseconds;
    },
  };
}

describe('createRateLimiter', () => {
  it('allows the limit within a window and refuses the next one', () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ limit: 3, windowMs: 60_000, clock: clock.now });
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([true, true, true]);
    expect(limiter.take('a')).toBe(false);
    expect(limiter.millisecondsUntilAvailable('a')).toBe(60_000);
  });

  it('slides: an operation becomes available again one window after the oldest', () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ limit: 2, windowMs: 1_000, clock: clock.now });
    limiter.take('a');
    clock.advance(600);
    limiter.take('a');
    expect(limiter.take('a')).toBe(false);

    clock.advance(399);
    expect(limiter.take('a')).toBe(false);
    expect(limiter.millisecondsUntilAvailable('a')).toBe(1);

    clock.advance(1);
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
  });

  it('refused attempts do not count', () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 1_000, clock: clock.now });
    limiter.take('a');
    for (let attempt = 0; attempt < 5; attempt += 1) limiter.take('a');
    clock.advance(1_000);
    expect(limiter.take('a')).toBe(true);
  });

  it('keeps a separate window per key', () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000, clock: manualClock().now });
    expect(limiter.take('operation-1')).toBe(true);
    expect(limiter.take('operation-1')).toBe(false);
    expect(limiter.take('operation-2')).toBe(true);
  });

  it('rejects a nonsensical configuration', () => {
    expect(() => createRateLimiter({ limit: 0, windowMs: 1_000 })).toThrow(/positive integer/);
    expect(() => createRateLimiter({ limit: 1, windowMs: 0 })).toThrow(/window must be positive/);
  });
});
