import { evaluatePolicy, type PolicyDecision } from './evaluate-policy.ts';
import { localTime, nextWindowStart, withinBusinessHours } from './local-time.ts';
import type { GateFacts } from './policy-facts.ts';
import type { Policy } from './policy.ts';

export interface DecidedGate {
  decision: PolicyDecision;
  /** Every fact the decision saw, time facts included: recorded with it, for `policy explain`. */
  facts: GateFacts;
}

/**
 * The policy in force, as gates use it: adds the clock's facts (weekday, hour, business hours,
 * local midnight) to a gate's own and decides. Replaced whole on a reload, never half-applied.
 */
export class GatePolicy {
  constructor(
    private policy: Policy,
    readonly timeZone: string,
    private readonly clock: () => Date,
  ) {}

  get current(): Policy {
    return this.policy;
  }

  replace(policy: Policy): void {
    this.policy = policy;
  }

  now(): Date {
    return this.clock();
  }

  /** Local midnight of today in the policy's time zone: where "today" starts for daily limits. */
  startOfToday(): Date {
    return localTime(this.clock(), this.timeZone).midnight;
  }

  decide(gateFacts: GateFacts): DecidedGate {
    const at = this.clock();
    const time = localTime(at, this.timeZone);
    const { businessHours } = this.policy;
    const facts: GateFacts = { ...gateFacts, weekday: time.weekday, hour: time.hour, business_hours: withinBusinessHours(time, businessHours) };
    return { decision: evaluatePolicy(this.policy, facts, () => nextWindowStart(at, this.timeZone, businessHours)), facts };
  }
}
