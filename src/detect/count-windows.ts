/** The per-minute buckets behind the 5-minute, 1-hour and 24-hour counts: a window of N minutes is the current minute and the N-1 before it. */
export function minuteOf(date: Date): number {
  return date.getTime() - (date.getTime() % 60_000);
}

export function windowStart(now: Date, minutes: number): Date {
  return new Date(minuteOf(now) - (minutes - 1) * 60_000);
}

export function hourOf(date: Date): number {
  return date.getTime() - (date.getTime() % 3_600_000);
}
