import type { DeploySettings, EnvironmentSettings } from '../../deploy/deploy-settings.ts';
import { judgeSettings, type JudgeSettings } from '../../deploy/judge/judge-settings.ts';

/**
 * The settings one deployment runs by, fixed when it is created and stored on its row: a change
 * of the repository's settings mid-canary does not change the rules a running canary is judged by.
 */
export interface DeploymentPlan {
  target: EnvironmentSettings['target'];
  trafficSteps: number[];
  intervalMs: number;
  healthPath: string;
  smokeCommand?: string;
  /** The environment a release that passes here goes to next; null in the last one. */
  nextEnvironment: string | null;
  judge: JudgeSettings;
}

export function planDeployment(settings: DeploySettings, environment: EnvironmentSettings): DeploymentPlan {
  const index = settings.environments.findIndex((candidate) => candidate.name === environment.name);
  const { judge } = settings;
  return {
    target: environment.target,
    trafficSteps: environment.trafficSteps,
    intervalMs: Math.round(settings.intervalSeconds * 1000),
    healthPath: settings.healthPath,
    ...(settings.smokeCommand ? { smokeCommand: settings.smokeCommand } : {}),
    nextEnvironment: settings.environments[index + 1]?.name ?? null,
    judge: judgeSettings({
      ...judge,
      watchMs: Math.round(environment.watchMinutes * 60_000),
    }),
  };
}

/** The step (index into trafficSteps) the canary is in after `elapsedMs`: the steps share the watch evenly. */
export function stepAt(plan: DeploymentPlan, elapsedMs: number): number {
  const stepMs = plan.judge.watchMs / plan.trafficSteps.length;
  return Math.min(plan.trafficSteps.length - 1, Math.floor(elapsedMs / stepMs));
}
