import { deploymentStatuses as domainStatuses, type DeploymentStatus } from '../../../src/domain/deployment-vocabulary.ts';
import type { Tone } from './status.ts';

/** The deployment statuses, for filters; from the server's vocabulary so the two cannot drift. */
export const deploymentStatuses: string[] = [...domainStatuses];

// Keyed by the vocabulary's statuses: a new status does not compile until it has a tone.
const tones: Record<DeploymentStatus, Tone> = {
  awaiting_approval: 'waiting',
  starting: 'active',
  smoke: 'active',
  canary: 'active',
  inconclusive: 'waiting',
  promoted: 'good',
  rolled_back: 'bad',
  failed: 'bad',
  cancelled: 'neutral',
};

export function deploymentTone(status: string): Tone {
  return tones[status as DeploymentStatus] ?? 'neutral';
}

export function shortCommit(commit: string | null | undefined): string {
  return commit ? commit.slice(0, 10) : '—';
}

/** serverErrors / requests, or null when there were no requests to divide by. */
export function errorRate(figures: { requests: number; serverErrors: number } | null | undefined): number | null {
  if (!figures || !(figures.requests > 0)) return null;
  return figures.serverErrors / figures.requests;
}

/** An error rate as a percentage with enough digits to tell 0.4 % from 0 %. */
export function ratePercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const percent = value * 100;
  return `${percent === 0 || percent >= 10 ? Math.round(percent) : percent.toFixed(percent < 1 ? 2 : 1)} %`;
}

export function milliseconds(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : `${value === 0 || value >= 10 ? Math.round(value) : value.toFixed(1)} ms`;
}

/** How an action's button reads. */
export const actionLabels: Record<string, string> = {
  approve: 'Approve deployment',
  promote: 'Promote',
  rollback: 'Roll back',
  pause: 'Pause',
  resume: 'Resume',
  cancel: 'Cancel deployment',
};
