// What a deploy target is told about one deployment: which commit goes where and what it replaces.
// The rows behind it (status, verdicts, intervals) are the pipeline's (`pipeline/ship/`).
import type { DeploymentStatus } from '../domain/deployment-vocabulary.ts';

/** One commit of one repository running (or meant to run) in one environment. */
export interface Release {
  repoId: string;
  /** e.g. `staging`, `production`. */
  environment: string;
  commit: string;
}

export interface DeploymentRecord {
  id: string;
  release: Release;
  /** The release it replaces, and the one a rollback returns to; absent for an environment's first deployment. */
  previous?: Release;
  /** The deployer's id (`local`, `command`, …). */
  target: string;
  /** The operation whose merged change this ships, when one did. */
  operationId?: string;
  status: DeploymentStatus;
  /** Share of requests sent to the new release, 0–100; 100 for targets that cannot split traffic. */
  trafficPercent: number;
  startedAt: Date;
  finishedAt?: Date;
  /** Why it failed or was rolled back, in words a person can act on. */
  reason?: string;
}
