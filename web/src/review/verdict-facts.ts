import type { OperationDetail } from '../../../src/server/api-types.ts';
import { money } from '../format/numbers.ts';
import { stepIndex, stepReached } from './operation-steps.ts';

/** One fact of the verdict strip: what it is about, what it says, and whether that is good news. */
export interface VerdictFact {
  key: 'baseline' | 'red' | 'green' | 'review' | 'risk' | 'diff' | 'cost';
  label: string;
  value: string;
  tone: 'good' | 'bad' | 'waiting' | 'neutral';
}

type Stage = 'executing' | 'verifying' | 'reviewing';

/** Why a fact produced at `stage` is not there: still to come, stopped before it, or not recorded. */
function missing(operation: OperationDetail, stage: Stage, notYet: string, stoppedWords: string): string {
  const reached = stepReached(operation.status, operation.timeline);
  if (reached.index < stepIndex(stage)) return reached.stopped ? stoppedWords : notYet;
  if (reached.index === stepIndex(stage)) return reached.stopped ? `stopped while ${stage}` : 'running now';
  return 'not recorded';
}

function baselineFact(operation: OperationDetail): VerdictFact {
  const baseline = operation.evidence?.baseline;
  if (!baseline)
    return { key: 'baseline', label: 'baseline', value: missing(operation, 'executing', 'not run yet', 'stopped before the tests'), tone: 'neutral' };
  const clean = baseline.failed === 0 && baseline.exitCode === 0;
  return {
    key: 'baseline',
    label: 'baseline',
    value: clean ? `✓ ${baseline.passed} passed` : `✗ ${baseline.failed} failing before any change`,
    tone: clean ? 'good' : 'waiting',
  };
}

const redWords: Record<string, [string, VerdictFact['tone']]> = {
  confirmed: ['✓ the new test fails on the old code', 'good'],
  missing: ['✗ no new test', 'bad'],
  not_failing: ['✗ the new test passes on the old code', 'bad'],
  skipped: ['skipped for this type of change', 'neutral'],
};

function redFact(operation: OperationDetail): VerdictFact {
  const red = operation.evidence?.red ?? operation.evidence?.attempts?.at(-1)?.red;
  if (!red) return { key: 'red', label: 'red', value: missing(operation, 'verifying', 'not run yet', 'stopped before the tests'), tone: 'neutral' };
  const [value, tone] = redWords[red.status] ?? [red.status, 'neutral'];
  return { key: 'red', label: 'red', value, tone };
}

function greenFact(operation: OperationDetail): VerdictFact {
  const green = operation.evidence?.green ?? operation.evidence?.attempts?.at(-1)?.green;
  if (!green) return { key: 'green', label: 'green', value: missing(operation, 'verifying', 'not run yet', 'stopped before the tests'), tone: 'neutral' };
  if (green.status === 'passed') return { key: 'green', label: 'green', value: `✓ ${green.run?.passed ?? 'all'} passed`, tone: 'good' };
  const failing = green.newFailures.length + green.stillFailing.length;
  return { key: 'green', label: 'green', value: `✗ ${failing || green.run?.failed || 'some'} failing`, tone: 'bad' };
}

function reviewFact(operation: OperationDetail): VerdictFact {
  const review = operation.review;
  if (!review)
    return { key: 'review', label: 'review', value: missing(operation, 'reviewing', 'not reviewed yet', 'stopped before the review'), tone: 'neutral' };
  const findings = review.findings.length ? ` · ${review.findings.length} ${review.findings.length === 1 ? 'finding' : 'findings'}` : '';
  return review.verdict === 'approve'
    ? { key: 'review', label: 'review', value: `approves${findings}`, tone: 'good' }
    : { key: 'review', label: 'review', value: `requests changes${findings}`, tone: 'bad' };
}

function riskFact(operation: OperationDetail): VerdictFact {
  const risk = operation.risk;
  if (!risk) return { key: 'risk', label: 'risk', value: missing(operation, 'reviewing', 'assessed at review', 'stopped before the review'), tone: 'neutral' };
  return { key: 'risk', label: 'risk', value: `${risk.level} · needs ${risk.requiredApproval}`, tone: risk.level === 'low' ? 'good' : 'waiting' };
}

function diffFact(operation: OperationDetail): VerdictFact {
  const stats = operation.diffStats;
  if (!stats)
    return { key: 'diff', label: 'change', value: missing(operation, 'reviewing', 'no change yet', 'stopped before a change was counted'), tone: 'neutral' };
  return {
    key: 'diff',
    label: 'change',
    value: `+${stats.insertions} −${stats.deletions} in ${stats.files} ${stats.files === 1 ? 'file' : 'files'}`,
    tone: 'neutral',
  };
}

function costFact(operation: OperationDetail): VerdictFact {
  const roles = Object.values(operation.usage ?? {}).filter((role): role is { cost?: unknown; calls?: unknown } => !!role && typeof role === 'object');
  if (roles.length === 0) return { key: 'cost', label: 'cost', value: 'no model calls yet', tone: 'neutral' };
  const cost = roles.reduce((sum, role) => sum + (typeof role.cost === 'number' ? role.cost : 0), 0);
  const calls = roles.reduce((sum, role) => sum + (typeof role.calls === 'number' ? role.calls : 0), 0);
  return { key: 'cost', label: 'cost', value: `${money(cost)} · ${calls} model ${calls === 1 ? 'call' : 'calls'}`, tone: 'neutral' };
}

/** What a reviewer weighs before deciding, each fact from the operation or why it is not there yet. */
export function verdictFacts(operation: OperationDetail): VerdictFact[] {
  return [baselineFact, redFact, greenFact, reviewFact, riskFact, diffFact, costFact].map((fact) => fact(operation));
}
