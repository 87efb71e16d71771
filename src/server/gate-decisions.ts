import type { GateFacts, PolicyGate } from '../policy/policy-facts.ts';
import { policyGates } from '../policy/policy-facts.ts';
import type { RecordedEvent } from '../store/event-hub.ts';

/** A gate's decision as its timeline event keeps it (`data.policy`, written by pipeline/policy-record.ts). */
export interface RecordedGateDecision {
  gate: PolicyGate;
  outcome: string;
  level: string;
  rule: string;
  reason: string;
  policyHash: string;
  facts: GateFacts;
  /** The event that carries it. */
  event: { sequence: number; type: string; at: string };
}

function readRecord(event: RecordedEvent): RecordedGateDecision | undefined {
  const record = event.data.policy as Partial<Omit<RecordedGateDecision, 'event'>> | undefined;
  if (!record || typeof record !== 'object' || !(policyGates as readonly unknown[]).includes(record.gate)) return undefined;
  if (typeof record.rule !== 'string' || typeof record.policyHash !== 'string' || !record.facts || typeof record.facts !== 'object') return undefined;
  return {
    gate: record.gate!,
    outcome: String(record.outcome),
    level: String(record.level),
    rule: record.rule,
    reason: String(record.reason ?? ''),
    policyHash: record.policyHash,
    facts: record.facts,
    event: { sequence: event.sequence, type: event.type, at: event.at },
  };
}

/** Every recorded gate decision of a timeline, oldest first (a gate decided again appears again). */
export function recordedGateDecisions(timeline: readonly RecordedEvent[]): RecordedGateDecision[] {
  return timeline.flatMap((event) => readRecord(event) ?? []);
}
