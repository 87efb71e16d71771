import type { Hono } from 'hono';
import type { Settings } from '../config/settings-schema.ts';
import type { AutonomyGate } from './autonomy-gate.ts';
import type { AppEnvironment } from './authenticate.ts';
import { requireRole } from './require-role.ts';

const highestLevel = 3;

/**
 * `GET /api/autonomy`: the level in force, how the team has done at it (the `autonomy` gate's
 * facts), what the policy says now about the next level, and the periods so far, newest first.
 */
export function registerAutonomyRoutes(app: Hono<AppEnvironment>, services: { settings: Settings; autonomyGate: AutonomyGate }): void {
  app.get('/api/autonomy', requireRole('team-lead', 'read the autonomy standing'), async (c) => {
    const level = services.settings.autonomyLevel;
    const standing = await services.autonomyGate.periods.standing(level);
    const next = level < highestLevel ? level + 1 : undefined;
    const decided = next === undefined ? undefined : (await services.autonomyGate.decide(level, next)).decision;
    const periods = await services.autonomyGate.periods.list();
    return c.json({
      level,
      standing: { days: standing.days, operations: standing.operations, successRate: standing.successRate },
      next: decided && { level: next, outcome: decided.outcome, rule: decided.ruleId, reason: decided.reason },
      periods: periods.slice(0, 50),
    });
  });
}
