import { desc, isNull, sql } from 'drizzle-orm';
import { appendAudit } from './audit-log.ts';
import { rowsOf, type Database, type Executor } from './database.ts';
import { autonomyPeriods } from './schema.ts';

export type AutonomyPeriod = typeof autonomyPeriods.$inferSelect;

/** How the team has done at the level in force: the `autonomy` gate's facts. */
export interface AutonomyStanding {
  level: number;
  /** Whole days since the open period started (0 with no period). */
  days: number;
  /** Operations that ended in the open period and count for the rate. */
  operations: number;
  /** Succeeded among them, 0–1; 0 when none ended. */
  successRate: number;
}

export interface NewAutonomyPeriod {
  level: number;
  setBy: string;
  /** Set when the level went past a refusing rule (an admin's override, or the environment). */
  override?: { rule: string; reason: string; refusal: string };
}

const dayMs = 86_400_000;

/**
 * The autonomy periods: one open row for the level in force, closed when the level changes. Times
 * come from the injected clock, so a test can age a period by moving the clock.
 */
export class AutonomyPeriods {
  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
  ) {}

  async current(executor: Executor = this.db): Promise<AutonomyPeriod | undefined> {
    const [row] = await executor.select().from(autonomyPeriods).where(isNull(autonomyPeriods.endedAt)).orderBy(desc(autonomyPeriods.id)).limit(1);
    return row;
  }

  async list(): Promise<AutonomyPeriod[]> {
    return this.db.select().from(autonomyPeriods).orderBy(desc(autonomyPeriods.id));
  }

  /** `start` in a transaction of its own. */
  async record(period: NewAutonomyPeriod): Promise<AutonomyPeriod> {
    return this.db.transaction((transaction) => this.start(transaction, period));
  }

  /** Ends the open period and opens one at `period.level`, audited, inside the caller's transaction. */
  async start(executor: Executor, period: NewAutonomyPeriod): Promise<AutonomyPeriod> {
    const now = this.clock();
    const previous = await this.current(executor);
    await executor.update(autonomyPeriods).set({ endedAt: now }).where(isNull(autonomyPeriods.endedAt));
    const [row] = await executor
      .insert(autonomyPeriods)
      .values({
        level: period.level,
        startedAt: now,
        setBy: period.setBy,
        override: period.override !== undefined,
        overrideRule: period.override?.rule ?? null,
        overrideReason: period.override?.reason ?? null,
      })
      .returning();
    await appendAudit(
      executor,
      {
        actor: period.setBy,
        action: period.override ? 'autonomy.overridden' : 'autonomy.period_started',
        subject: 'autonomy',
        details: {
          from: previous?.level ?? null,
          to: period.level,
          rule: period.override?.rule ?? null,
          refusal: period.override?.refusal ?? null,
          reason: period.override?.reason ?? null,
        },
      },
      now,
    );
    return row!;
  }

  /**
   * Days and the success rate of the open period. An operation counts when it ended (its last
   * status change) since the period started: `done` and `merged` succeeded; `failed`,
   * `rolled_back` and `rejected` after a change existed (a head commit) did not. Cancelled
   * operations, plans rejected before any change, and rollback operations themselves (their
   * original already counts as rolled back) are left out.
   */
  async standing(level: number): Promise<AutonomyStanding> {
    const period = await this.current();
    if (!period || period.level !== level) return { level, days: 0, operations: 0, successRate: 0 };
    const [row] = rowsOf<{ succeeded: number; ended: number }>(
      await this.db.execute(sql`
        SELECT count(*) FILTER (WHERE status IN ('done', 'merged'))::int AS succeeded, count(*)::int AS ended
          FROM operations
         WHERE updated_at >= ${period.startedAt.toISOString()} AND type <> 'rollback'
           AND (status IN ('done', 'merged', 'failed', 'rolled_back') OR (status = 'rejected' AND head_commit IS NOT NULL))`),
    );
    const ended = Number(row?.ended ?? 0);
    const succeeded = Number(row?.succeeded ?? 0);
    return {
      level,
      days: Math.max(0, Math.floor((this.clock().getTime() - period.startedAt.getTime()) / dayMs)),
      operations: ended,
      successRate: ended === 0 ? 0 : Math.round((succeeded / ended) * 1000) / 1000,
    };
  }
}
