import type { TimelineEvent } from '../../../src/server/api-types.ts';

/** A step of the pipeline as the stepper shows it; `gate` steps wait for a person. */
export interface Step {
  key: string;
  label: string;
  state: 'passed' | 'skipped' | 'current' | 'stopped' | 'upcoming';
}

const order = ['queued', 'planning', 'awaiting_plan_approval', 'executing', 'verifying', 'reviewing', 'awaiting_approval', 'merging', 'done'] as const;
const labels: Record<(typeof order)[number], string> = {
  queued: 'queued',
  planning: 'planning',
  awaiting_plan_approval: 'plan gate',
  executing: 'executing',
  verifying: 'verifying',
  reviewing: 'reviewing',
  awaiting_approval: 'awaiting approval',
  merging: 'merging',
  done: 'done',
};
/** Statuses after the merge: the last step, named by what it is doing. */
const afterMerge = new Set(['merged', 'pr_open', 'deploying', 'monitoring', 'done', 'rolled_back']);
const stoppedStatuses = new Set(['failed', 'rejected', 'cancelled']);

/** The statuses the timeline shows the operation entering, in order. */
function statusesEntered(timeline: TimelineEvent[]): string[] {
  return timeline.map((event) => event.data.to).filter((to): to is string => typeof to === 'string');
}

/** Where in `order` a status sits; a status after the merge counts as the last step. */
function indexOf(status: string): number {
  if (afterMerge.has(status)) return order.length - 1;
  return (order as readonly string[]).indexOf(status);
}

/**
 * Where the operation has got to: the status it is in, or, when it failed, was rejected or
 * cancelled, the step it was at when it stopped (the `from` of the change that stopped it).
 */
export function stepReached(status: string, timeline: TimelineEvent[]): { index: number; stopped: boolean } {
  if (!stoppedStatuses.has(status)) return { index: Math.max(0, indexOf(status)), stopped: false };
  const stop = timeline.findLast((event) => event.data.to === status);
  const from =
    typeof stop?.data.from === 'string'
      ? stop.data.from
      : statusesEntered(timeline)
          .filter((entered) => !stoppedStatuses.has(entered))
          .at(-1);
  return { index: Math.max(0, indexOf(from ?? 'queued')), stopped: true };
}

/** The index of a step by its status (for asking whether the operation reached it). */
export function stepIndex(status: (typeof order)[number]): number {
  return order.indexOf(status);
}

/** The steps from queued to done, each passed, skipped, current, stopped at or still to come. */
export function operationSteps(status: string, timeline: TimelineEvent[]): Step[] {
  const entered = new Set(statusesEntered(timeline));
  const { index, stopped } = stepReached(status, timeline);
  const wentThroughPlanGate = entered.has('awaiting_plan_approval') || order[index] === 'awaiting_plan_approval';
  const steps = order.map((key, position): Step => {
    let label: string = labels[key];
    if (key === 'done' && afterMerge.has(status) && status !== 'done') label = status === 'pr_open' ? 'PR open' : status.replace(/_/g, ' ');
    if (position === index) return { key, label: stopped ? `${label} — ${status}` : label, state: stopped ? 'stopped' : 'current' };
    if (position > index) return { key, label, state: 'upcoming' };
    // A step before the current one: passed when the timeline shows it (the queue is always passed).
    return { key, label, state: key === 'queued' || entered.has(key) ? 'passed' : 'skipped' };
  });
  // The plan gate is a step only for operations whose plan waits (MENDER_PLAN_GATE).
  return wentThroughPlanGate ? steps : steps.filter((step) => step.key !== 'awaiting_plan_approval');
}
