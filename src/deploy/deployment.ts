// What Mender records about one deployment: which commit went where, through which target, and
// how it ended. Issue 16 stores these rows and shows them (GET /api/deployments); nothing
// writes one yet.

/** Where a deployment stands. `inconclusive`: the judge had too little data to promote. */
export type DeploymentStatus = 'starting' | 'smoke' | 'canary' | 'monitoring' | 'promoted' | 'inconclusive' | 'rolled_back' | 'failed';

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
