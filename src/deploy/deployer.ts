import type { DeploymentRecord, Release } from './deployment.ts';
import type { LatencyHistogram } from './latency-histogram.ts';

// The seam for issue 16 (ship and watch): a deploy target such as `local` (Mender runs the app
// behind its own proxy) or `command` (the team's own scripts, `command/command-deployer.ts`).
// The pipeline's deploy runner (`pipeline/ship/`) calls it. How to add one: docs/contributing/add-a-deploy-target.md.
// Deciding is not the target's job: the judge compares releases and the pipeline tells the
// target to promote or roll back; a target only starts, reports, shifts and stops releases.

/** A failure as data, so the pipeline can record it and roll back instead of crashing. */
export type DeployResult<Value = void> = { ok: true; value: Value } | { ok: false; error: { code: DeployErrorCode; message: string; outputTail?: string } };

/** `start_failed`: the release exited or never answered; `unsupported`: this target cannot do that. */
export type DeployErrorCode = 'start_failed' | 'smoke_failed' | 'command_failed' | 'timed_out' | 'unsupported';

export interface ReleaseHealth {
  healthy: boolean;
  /** What the health check saw: status code, the error, the process's last output. */
  detail?: string;
  /** The release's process is gone (crashed or killed): a hard signal, not a slow answer. */
  exited?: boolean;
  checkedAt: Date;
}

/** One release's counters as the target keeps them, cumulative since `source` began counting. */
export interface ReleaseTraffic {
  requests: number;
  serverErrors: number;
  latency: LatencyHistogram;
}

/**
 * A reading of a target's traffic counters. Two readings with the same `source` (the proxy
 * process) subtract to an interval; a new source means the counters began again.
 */
export interface TrafficReading {
  source: string;
  releases: Record<string, ReleaseTraffic>;
}

export interface Deployer {
  /** Stable name, stored on each deployment record (`local`, `command`). */
  readonly id: string;
  /**
   * Whether the new and the stable release can run side by side with traffic split between
   * them. Without it the judge's baseline is the stable release's figures from before the deploy.
   */
  readonly canSplitTraffic: boolean;
  /**
   * Starts `release` beside the running one in its environment, taking no traffic yet (or all of
   * it, for a target that cannot split). Resolves once it answers its health path.
   */
  deploy(deployment: DeploymentRecord, signal: AbortSignal): Promise<DeployResult>;
  /** Health of a running release, checked now. */
  health(release: Release): Promise<ReleaseHealth>;
  /** Sends `percent` (0–100) of the environment's requests to the deployment's new release. */
  shiftTraffic(deployment: DeploymentRecord, percent: number): Promise<DeployResult>;
  /** Makes the new release the stable one and stops the previous. */
  promote(deployment: DeploymentRecord): Promise<DeployResult>;
  /** Puts all traffic back on `deployment.previous`, stops the new release, and says so within a second. */
  rollBack(deployment: DeploymentRecord, reason: string): Promise<DeployResult>;
  /** The release serving an environment now, as the target sees it (after a restart of Mender, for re-adoption). */
  current(repoId: string, environment: string): Promise<Release | undefined>;
  /** The environment's traffic per release, where the target counts it (the local proxy); absent: it counts nothing. */
  traffic?(environment: string): Promise<TrafficReading | undefined>;
  /** Where a running release answers directly (for smoke commands); absent when the target does not know. */
  releaseUrl?(release: Release): string | undefined;
}
