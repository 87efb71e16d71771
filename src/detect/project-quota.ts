/**
 * Events per project per minute, in fixed one-minute windows held in memory (a restart forgets
 * them, which errs on accepting). An envelope is taken whole or refused whole.
 */
export class ProjectQuota {
  private readonly windows = new Map<number, { start: number; used: number }>();

  constructor(private readonly clock: () => number = Date.now) {}

  take(projectId: number, limitPerMinute: number, events: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.clock();
    const start = now - (now % 60_000);
    let window = this.windows.get(projectId);
    if (!window || window.start !== start) {
      window = { start, used: 0 };
      this.windows.set(projectId, window);
    }
    if (window.used + events > limitPerMinute) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((start + 60_000 - now) / 1000)) };
    window.used += events;
    return { ok: true };
  }
}
