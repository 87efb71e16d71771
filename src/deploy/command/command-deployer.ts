import type { DeployErrorCode, Deployer, DeployResult, ReleaseHealth } from '../deployer.ts';
import type { DeploymentRecord, Release } from '../deployment.ts';
import { buildCommandEnvironment, runCommand, type CommandResult } from '../../workspace/command-runner.ts';
import type { CommandTargetSettings } from './command-target-settings.ts';
import { readScriptAnswer, type ScriptAnswer } from './script-answer.ts';

export interface CommandDeployerOptions {
  settings: CommandTargetSettings;
  /** The repository's name, as MENDER_REPO. */
  repoName: string;
  /** Where the scripts run unless the settings name a folder. */
  checkout: string;
}

/** What a person sees of a failed script: its last lines. */
const outputTailBytes = 4_000;
const outputLimitBytes = 64_000;

type ScriptName = 'deploy' | 'status' | 'rollback' | 'promote' | 'shift';

/**
 * The `command` target: the team's own scripts do the platform's work. Every script gets the
 * release in MENDER_* variables (and SENTRY_RELEASE / SENTRY_ENVIRONMENT for the app), nothing
 * of Mender's own environment but a fixed allowlist and the settings' `env`.
 */
export class CommandDeployer implements Deployer {
  readonly id = 'command';
  readonly canSplitTraffic: boolean;

  constructor(private readonly options: CommandDeployerOptions) {
    this.canSplitTraffic = options.settings.shift !== undefined;
  }

  async deploy(deployment: DeploymentRecord, signal: AbortSignal): Promise<DeployResult> {
    return this.outcome('deploy', await this.run('deploy', deploymentVariables(deployment), signal), 'start_failed');
  }

  async health(release: Release): Promise<ReleaseHealth> {
    const { result, answer } = await this.run('status', releaseVariables(release));
    const checkedAt = new Date();
    if (result.timedOut) return { healthy: false, detail: `the status script did not answer within ${this.options.settings.timeoutSeconds} s`, checkedAt };
    const exitedWell = result.exitCode === 0;
    const healthy = answer.healthy ?? exitedWell;
    const detail = answer.detail ?? answer.message ?? (exitedWell ? undefined : `the status script exited ${describeExit(result)}: ${tail(result.output)}`);
    return { healthy: healthy && exitedWell, ...(detail && { detail }), checkedAt };
  }

  async shiftTraffic(deployment: DeploymentRecord, percent: number): Promise<DeployResult> {
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
      return failure('command_failed', `traffic is a whole percent from 0 to 100, not ${percent}`);
    }
    if (!this.options.settings.shift) return failure('unsupported', 'no shift script is configured: this target sends all traffic to the release it deploys');
    return this.outcome('shift', await this.run('shift', { ...deploymentVariables(deployment), MENDER_TRAFFIC_PERCENT: String(percent) }), 'command_failed');
  }

  async promote(deployment: DeploymentRecord): Promise<DeployResult> {
    if (!this.options.settings.promote) return { ok: true, value: undefined };
    return this.outcome('promote', await this.run('promote', deploymentVariables(deployment)), 'command_failed');
  }

  async rollBack(deployment: DeploymentRecord, reason: string): Promise<DeployResult> {
    if (!deployment.previous) return failure('command_failed', `deployment ${deployment.id} has no previous release to go back to`);
    const variables = { ...deploymentVariables(deployment), MENDER_ROLLBACK_REASON: reason.slice(0, 2_000) };
    return this.outcome('rollback', await this.run('rollback', variables), 'command_failed');
  }

  async current(repoId: string, environment: string): Promise<Release | undefined> {
    const { result, answer } = await this.run('status', { MENDER_ENVIRONMENT: environment, SENTRY_ENVIRONMENT: environment });
    if (result.exitCode !== 0 || !answer.commit) return undefined;
    return { repoId, environment, commit: answer.commit };
  }

  private async run(name: ScriptName, variables: Record<string, string>, signal?: AbortSignal): Promise<{ result: CommandResult; answer: ScriptAnswer }> {
    const { settings, repoName, checkout } = this.options;
    const result = await runCommand(settings[name]!, {
      cwd: settings.cwd ?? checkout,
      env: buildCommandEnvironment({ NODE_ENV: 'production', CI: 'false', ...settings.env, MENDER_REPO: repoName, ...variables }),
      timeoutMs: settings.timeoutSeconds * 1_000,
      outputLimitBytes,
      signal,
    });
    return { result, answer: readScriptAnswer(result.output) };
  }

  /** Exit 0 and no `"ok": false` is success; anything else is a failure naming the script. */
  private outcome(name: ScriptName, { result, answer }: { result: CommandResult; answer: ScriptAnswer }, code: DeployErrorCode): DeployResult {
    if (result.timedOut) return failure('timed_out', `the ${name} script did not finish within ${this.options.settings.timeoutSeconds} s`, tail(result.output));
    if (result.cancelled) return failure(code, `the ${name} script was stopped: the deployment was cancelled`, tail(result.output));
    if (result.exitCode === 0 && answer.ok !== false) return { ok: true, value: undefined };
    const said = answer.message ? `: ${answer.message}` : '';
    return failure(code, `the ${name} script ${result.exitCode === 0 ? 'reported a failure' : `exited ${describeExit(result)}`}${said}`, tail(result.output));
  }
}

function releaseVariables(release: Release): Record<string, string> {
  return { MENDER_ENVIRONMENT: release.environment, MENDER_COMMIT: release.commit, SENTRY_ENVIRONMENT: release.environment, SENTRY_RELEASE: release.commit };
}

function deploymentVariables(deployment: DeploymentRecord): Record<string, string> {
  return {
    ...releaseVariables(deployment.release),
    MENDER_DEPLOYMENT_ID: deployment.id,
    ...(deployment.previous && { MENDER_PREVIOUS_COMMIT: deployment.previous.commit }),
  };
}

function failure(code: DeployErrorCode, message: string, outputTail?: string): DeployResult {
  return { ok: false, error: { code, message, ...(outputTail && { outputTail }) } };
}

function describeExit(result: CommandResult): string {
  return result.exitCode === null ? `on signal ${result.signal ?? 'unknown'}` : `with code ${result.exitCode}`;
}

function tail(output: string): string {
  return output.length > outputTailBytes ? output.slice(-outputTailBytes) : output;
}
