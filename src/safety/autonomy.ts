import type { ApprovalLevel } from '../domain/approval-level.ts';
import type { RiskAssessment } from './risk-assessment.ts';

export type AutonomyLevel = 1 | 2 | 3;

export interface GateDecision {
  /** True: the change gate is passed without a human (recorded as a policy decision). */
  pass: boolean;
  /** The level a human approval needs when it does not pass. */
  level: ApprovalLevel;
  reason: string;
}

/**
 * The change gate under an autonomy level: 1 proposes only (every gate needs a human),
 * 2 lets changes assessed `auto` pass (and low-risk ones the detector started for P2–P4 issues),
 * 3 lets everything below admin pass. Admin and manual-only changes always wait for a human.
 */
export function decideChangeGate(assessment: RiskAssessment, autonomy: AutonomyLevel, origin: { source: string; severity?: string }): GateDecision {
  const required = assessment.requiredApproval;
  const humanLevel: ApprovalLevel = required === 'auto' ? 'team-lead' : required;
  if (required === 'admin' || required === 'manual-only') {
    return { pass: false, level: required, reason: `risk ${assessment.level} needs ${required}: ${assessment.reasons.join('; ')}` };
  }
  if (autonomy === 1) return { pass: false, level: humanLevel, reason: 'autonomy level 1: every change waits for a human' };
  if (autonomy === 2) {
    if (required === 'auto') return { pass: true, level: 'auto', reason: 'autonomy level 2: the change qualifies for automatic approval' };
    const lowSeverity = origin.source === 'detector' && ['P2', 'P3', 'P4'].includes(origin.severity ?? '');
    if (lowSeverity && assessment.level === 'low') return { pass: true, level: 'auto', reason: `autonomy level 2: low-risk fix of a ${origin.severity} issue` };
    return { pass: false, level: humanLevel, reason: `autonomy level 2: risk ${assessment.level} needs ${humanLevel}` };
  }
  return { pass: true, level: 'auto', reason: `autonomy level 3: risk ${assessment.level} passes; people are told afterwards and can roll back` };
}
