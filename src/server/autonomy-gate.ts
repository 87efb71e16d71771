import type { DecidedGate, GatePolicy } from '../policy/gate-policy.ts';
import type { Logger } from '../logging/logger.ts';
import type { AutonomyPeriods, NewAutonomyPeriod } from '../store/autonomy-periods.ts';
import { HttpError } from '../http/http-error.ts';

/** Where a level read at start came from, as `set_by` of its period. */
const setByOfSource: Record<string, string> = { env: 'environment', file: 'config-file', runtime: 'stored-setting', default: 'default' };

/**
 * The `autonomy` gate: a change of the autonomy level is decided by the policy on the team's
 * standing at the level in force (days, operations ended, success rate). A deny refuses unless an
 * admin overrides it with a reason; every change opens a period (src/store/autonomy-periods.ts).
 */
export class AutonomyGate {
  constructor(
    private readonly policy: GatePolicy,
    readonly periods: AutonomyPeriods,
  ) {}

  async decide(current: number, requested: number): Promise<DecidedGate> {
    const standing = await this.periods.standing(current);
    return this.policy.decide({
      gate: 'autonomy',
      autonomy: current,
      requested_level: requested,
      days_at_level: standing.days,
      operations_at_level: standing.operations,
      success_rate_at_level: standing.successRate,
    });
  }

  /**
   * The period an admin's change opens, or a 409 naming the refusing rule. An `ask` passes: only
   * admins change settings, and an admin meets every approval level.
   */
  async admit(current: number, requested: number, actor: string, override: string | undefined): Promise<NewAutonomyPeriod> {
    const { decision } = await this.decide(current, requested);
    if (decision.outcome !== 'deny') return { level: requested, setBy: actor };
    if (override === undefined) {
      const message = `autonomyLevel stays ${current}: policy rule ${decision.ruleId} refuses level ${requested} (${decision.reason}); an admin may override it with {"autonomyLevel": ${requested}, "override": "<why>"}`;
      throw new HttpError(409, 'autonomy_refused', message, { autonomyLevel: [`${decision.ruleId}: ${decision.reason}`] });
    }
    return { level: requested, setBy: actor, override: { rule: decision.ruleId, refusal: decision.reason, reason: override } };
  }

  /**
   * At start: the level in force opens a period when it differs from the open one (a fresh
   * install, or MENDER_AUTONOMY_LEVEL changed by the operator). The operator's word stands, but a
   * level the gate would refuse is marked as an override and logged as a warning.
   */
  async recordStartingLevel(level: number, source: string, log: Logger): Promise<void> {
    const open = await this.periods.current();
    if (open?.level === level) return;
    const setBy = setByOfSource[source] ?? source;
    // A fresh install has run at level 1, the default, so far.
    const from = open?.level ?? 1;
    const { decision } = await this.decide(from, level);
    if (from === level || decision.outcome !== 'deny') {
      await this.periods.record({ level, setBy });
      return;
    }
    log.warn('the autonomy level set at start skips the policy gate', { level, from, setBy, rule: decision.ruleId, reason: decision.reason });
    await this.periods.record({ level, setBy, override: { rule: decision.ruleId, refusal: decision.reason, reason: `set by ${setBy} at start` } });
  }
}
