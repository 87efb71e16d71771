import { awaitingStatuses, type OperationStatus } from '../domain/operation-vocabulary.ts';
import type { GatePolicy } from '../policy/gate-policy.ts';
import type { PolicyGate } from '../policy/policy-facts.ts';
import type { RecordedEvent } from '../store/event-hub.ts';
import { recordedGateDecisions, type RecordedGateDecision } from './gate-decisions.ts';

/** What the policy in force would decide now: the recorded facts with the clock's facts refreshed. */
export interface CurrentDecisionView {
  outcome: string;
  level: string;
  rule: string;
  reason: string;
  recheckAt: string | null;
  policyHash: string;
  /** True when the policy's hash differs from the one the recorded decision was taken under. */
  policyChanged: boolean;
  /** The gate whose recorded facts were decided again (another gate's when this one has none). */
  factsFrom: PolicyGate;
}

/** `POST /api/policy/explain`. */
export interface PolicyExplanation {
  operationId: string;
  status: string;
  gate: PolicyGate;
  /** Gates with a recorded decision, in the order they were first decided. */
  recordedGates: PolicyGate[];
  recorded: RecordedGateDecision | null;
  /** True when the operation waits for a person at this gate. */
  pending: boolean;
  /** Present when the gate is pending or has no recorded decision (and some gate's facts are known). */
  now: CurrentDecisionView | null;
  /** One paragraph for people. */
  message: string;
}

const gateOfStatus: Partial<Record<string, PolicyGate>> = { awaiting_plan_approval: 'plan', awaiting_approval: 'change' };

/** Explains an operation's gate from its timeline; `gate` defaults to the latest gate recorded. */
export function explainGate(
  operation: { id: string; status: string },
  timeline: readonly RecordedEvent[],
  policy: GatePolicy,
  requestedGate: PolicyGate | undefined,
): PolicyExplanation {
  const decisions = recordedGateDecisions(timeline);
  const recordedGates = [...new Set(decisions.map((decision) => decision.gate))];
  const latest = decisions.at(-1);
  const gate = requestedGate ?? latest?.gate ?? gateOfStatus[operation.status] ?? 'change';
  const recorded = decisions.filter((decision) => decision.gate === gate).at(-1) ?? null;
  const pending = awaitingStatuses.has(operation.status as OperationStatus) && gateOfStatus[operation.status] === gate;
  const basis = recorded ?? latest;
  const now = (pending || !recorded) && basis ? decideAgain(policy, basis, gate) : null;
  return {
    operationId: operation.id,
    status: operation.status,
    gate,
    recordedGates,
    recorded,
    pending,
    now,
    message: messageOf(gate, recorded, recordedGates, pending, now),
  };
}

function decideAgain(policy: GatePolicy, basis: RecordedGateDecision, gate: PolicyGate): CurrentDecisionView {
  const { decision } = policy.decide({ ...basis.facts, gate });
  return {
    outcome: decision.outcome,
    level: decision.level,
    rule: decision.ruleId,
    reason: decision.reason,
    recheckAt: decision.recheckAt ?? null,
    policyHash: decision.policyHash,
    policyChanged: decision.policyHash !== basis.policyHash,
    factsFrom: basis.gate,
  };
}

function messageOf(
  gate: PolicyGate,
  recorded: RecordedGateDecision | null,
  recordedGates: PolicyGate[],
  pending: boolean,
  now: CurrentDecisionView | null,
): string {
  const parts: string[] = [];
  if (recorded) parts.push(`The ${gate} gate was decided ${recorded.outcome} (${recorded.level}) by rule ${recorded.rule}: ${recorded.reason}.`);
  else
    parts.push(
      `No decision of the ${gate} gate is recorded for this operation; ${recordedGates.length ? `recorded gates: ${recordedGates.join(', ')}` : 'no gate has been decided yet'}.`,
    );
  if (now) {
    const facts = now.factsFrom === gate ? 'its recorded facts' : `the facts recorded at the ${now.factsFrom} gate (this gate's own are not known yet)`;
    parts.push(
      `${pending ? 'It waits for a person. ' : ''}Decided now on ${facts}, with the time refreshed: ${now.outcome} (${now.level}) by rule ${now.rule}: ${now.reason}.`,
    );
    parts.push(now.policyChanged ? 'The policy has changed since the recorded decision.' : 'The policy is the same as when it was recorded.');
  }
  return parts.join(' ');
}
