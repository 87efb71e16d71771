import type { BusinessHours, Condition } from './policy.ts';

/** A condition as people read it: `gate: change, deploy`, `affected_users ≥ 10`, `review_verdict: not approve`. */
export function describeCondition(condition: Condition): string {
  if (condition.test === 'range') {
    const bounds = [...(condition.atLeast === undefined ? [] : [`≥ ${condition.atLeast}`]), ...(condition.below === undefined ? [] : [`< ${condition.below}`])];
    return `${condition.fact} ${bounds.join(' and ')}`;
  }
  const values = condition.values.map(String).join(', ');
  return condition.test === 'one-of' ? `${condition.fact}: ${values}` : `${condition.fact}: not ${values}`;
}

/** Minutes after midnight as `HH:MM`, as the policy file writes them. */
export function clockTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Business hours as the file writes them: `{ start: "09:00", end: "18:00", days: [...] }`. */
export function describeBusinessHours(hours: BusinessHours): { start: string; end: string; days: string[] } {
  return { start: clockTime(hours.start), end: clockTime(hours.end), days: [...hours.days] };
}
