/**
 * The vocabulary of a deployment (issue 16: ship and watch): its statuses, which of them hold an
 * environment, and the shape the API answers with. A leaf module, imported by the web app too.
 *
 * A deployment is one commit in one environment: it may wait for a person at the deploy or
 * promote gate (`awaiting_approval`), then starts (`starting`), passes its smoke checks
 * (`smoke`), takes a growing share of traffic while the judge compares it with the stable release
 * each interval (`canary`), and ends `promoted` (now the stable release), `rolled_back` (traffic
 * back on the stable release, the new one stopped), `failed` (it never served: start or smoke
 * failed) or `cancelled`. `inconclusive`: the watch ended on too little data; a person promotes,
 * extends or rolls back.
 */
export const deploymentStatuses = [
  'awaiting_approval',
  'starting',
  'smoke',
  'canary',
  'inconclusive',
  'promoted',
  'rolled_back',
  'failed',
  'cancelled',
] as const;
export type DeploymentStatus = (typeof deploymentStatuses)[number];

/** Statuses that hold the environment: a second deployment there is refused (409) while one is in them. */
export const activeDeploymentStatuses: ReadonlySet<DeploymentStatus> = new Set<DeploymentStatus>([
  'awaiting_approval',
  'starting',
  'smoke',
  'canary',
  'inconclusive',
]);

export function isDeploymentStatus(value: string): value is DeploymentStatus {
  return (deploymentStatuses as readonly string[]).includes(value);
}

/** What a person may do with a deployment, and in which statuses. */
export const deploymentActions = {
  approve: ['awaiting_approval'],
  promote: ['canary', 'inconclusive'],
  rollback: ['canary', 'inconclusive', 'promoted'],
  pause: ['canary'],
  resume: ['canary', 'inconclusive'],
  cancel: ['awaiting_approval'],
} as const satisfies Record<string, readonly DeploymentStatus[]>;
export type DeploymentAction = keyof typeof deploymentActions;

/** One judged interval as the API shows it (the charts' points). */
export interface DeploymentIntervalView {
  seq: number;
  endsAt: string;
  elapsedMs: number;
  trafficPercent: number;
  newRelease: { requests: number; serverErrors: number; p95Ms: number | null; healthy: boolean };
  stableRelease: { requests: number; serverErrors: number; p95Ms: number | null } | null;
  verdict: { decision: string; rule: string; reason: string };
}

/** A deployment as `GET /api/deployments` lists it. */
export interface DeploymentSummaryView {
  id: string;
  repo: string;
  environment: string;
  commit: string;
  previousCommit: string | null;
  target: string;
  operationId: string | null;
  status: DeploymentStatus;
  trafficPercent: number;
  paused: boolean;
  reason: string | null;
  createdBy: string;
  createdAt: string;
  canaryStartedAt: string | null;
  finishedAt: string | null;
  /** The latest verdict's decision, rule and reason, when one was taken. */
  verdict: { decision: string; rule: string; reason: string } | null;
}

/** A deployment with everything `GET /api/deployments/:id` shows. */
export interface DeploymentDetailView extends DeploymentSummaryView {
  /** The settings it runs by: steps, watch, interval, the judge's settings. */
  plan: Record<string, unknown>;
  approval: { level: string; rule: string; reason: string; gate: string } | null;
  /** The latest verdict whole: samples, effect, confidence, the rule that fired. */
  latestVerdict: Record<string, unknown> | null;
  outputTail: string | null;
  intervals: DeploymentIntervalView[];
  timeline: Array<{ sequence: number; type: string; actor: string; at: string; data: Record<string, unknown> }>;
  /** What the caller's role may do now. */
  actions: DeploymentAction[];
}
