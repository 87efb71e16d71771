import {
  deploymentActions,
  type DeploymentAction,
  type DeploymentDetailView,
  type DeploymentIntervalView,
  type DeploymentStatus,
  type DeploymentSummaryView,
} from '../domain/deployment-vocabulary.ts';
import { roleAtLeast, type Role } from '../domain/roles.ts';
import { percentile, type LatencyHistogram } from '../deploy/latency-histogram.ts';
import type { DeploymentIntervalRow, DeploymentRow } from '../pipeline/ship/deployment-store.ts';
import type { RecordedEvent } from '../store/event-hub.ts';

// Deployment rows as the API answers with them (the view types of domain/deployment-vocabulary.ts).

interface StoredVerdict {
  decision?: string;
  rule?: string;
  reason?: string;
}

interface StoredRelease {
  requests?: number;
  serverErrors?: number;
  latency?: LatencyHistogram;
  healthChecks?: boolean[];
  exited?: unknown;
}

function verdictSummary(verdict: unknown): DeploymentSummaryView['verdict'] {
  if (!verdict || typeof verdict !== 'object') return null;
  const { decision, rule, reason } = verdict as StoredVerdict;
  return { decision: decision ?? 'unknown', rule: rule ?? 'unknown', reason: reason ?? '' };
}

export function deploymentSummaryView(row: DeploymentRow, repoName: string): DeploymentSummaryView {
  return {
    id: row.id,
    repo: repoName,
    environment: row.environment,
    commit: row.commit,
    previousCommit: row.previousCommit,
    target: row.target,
    operationId: row.operationId,
    status: row.status as DeploymentStatus,
    trafficPercent: row.trafficPercent,
    paused: row.paused,
    reason: row.reason,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    canaryStartedAt: row.canaryStartedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    verdict: verdictSummary(row.verdict),
  };
}

function p95Of(release: StoredRelease): number | null {
  if (!release.latency?.counts) return null;
  const value = percentile(release.latency, 0.95);
  return value === undefined ? null : Math.round(value * 100) / 100;
}

/** One judged interval: the stored latency histogram read as a p95; healthy when every check passed and the process did not exit. */
export function deploymentIntervalView(row: DeploymentIntervalRow): DeploymentIntervalView {
  const newRelease = row.newRelease as StoredRelease;
  const stable = row.stableRelease as StoredRelease | null;
  return {
    seq: row.seq,
    endsAt: row.endsAt.toISOString(),
    elapsedMs: row.elapsedMs,
    trafficPercent: row.trafficPercent,
    newRelease: {
      requests: newRelease.requests ?? 0,
      serverErrors: newRelease.serverErrors ?? 0,
      p95Ms: p95Of(newRelease),
      healthy: (newRelease.healthChecks ?? []).every(Boolean) && !newRelease.exited,
    },
    stableRelease: stable ? { requests: stable.requests ?? 0, serverErrors: stable.serverErrors ?? 0, p95Ms: p95Of(stable) } : null,
    verdict: verdictSummary(row.verdict) ?? { decision: 'unknown', rule: 'unknown', reason: '' },
  };
}

/**
 * What a role may do with a deployment now: nothing for a viewer; for a team lead or an admin the
 * actions whose statuses match, pause only while not paused and resume of a canary only while paused
 * (the runner refuses the others with 409).
 */
export function allowedDeploymentActions(row: DeploymentRow, role: Role): DeploymentAction[] {
  if (!roleAtLeast(role, 'team-lead')) return [];
  const status = row.status as DeploymentStatus;
  return (Object.keys(deploymentActions) as DeploymentAction[]).filter((action) => {
    if (!(deploymentActions[action] as readonly DeploymentStatus[]).includes(status)) return false;
    if (action === 'pause') return !row.paused;
    if (action === 'resume' && status === 'canary') return row.paused;
    return true;
  });
}

export function deploymentDetailView(
  row: DeploymentRow,
  repoName: string,
  intervals: DeploymentIntervalRow[],
  timeline: RecordedEvent[],
  role: Role,
): DeploymentDetailView {
  return {
    ...deploymentSummaryView(row, repoName),
    plan: row.plan,
    approval: row.approval ? (row.approval as unknown as DeploymentDetailView['approval']) : null,
    latestVerdict: row.verdict ?? null,
    outputTail: row.outputTail,
    intervals: intervals.map(deploymentIntervalView),
    timeline: timeline.map((event) => ({ sequence: event.sequence, type: event.type, actor: event.actor, at: event.at, data: event.data })),
    actions: allowedDeploymentActions(row, role),
  };
}
