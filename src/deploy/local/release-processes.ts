import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { DeployResult, ReleaseHealth } from '../deployer.ts';
import type { Release } from '../deployment.ts';
import { buildCommandEnvironment } from '../../workspace/command-runner.ts';
import { WorktreeManager } from '../../workspace/worktree-manager.ts';
import { ensurePrivateFolder, privateFileMode } from '../../store/private-files.ts';
import { isAlive, isSameProcess, processStartTime, stopProcessGroup } from './process-identity.ts';
import { freePort } from './free-port.ts';

export interface ReleaseSpec {
  release: Release;
  /** The registered checkout: the release's worktree is made from it, its dependencies linked. */
  repoPath: string;
  /** The repository's start command, run with PORT set. */
  startCommand: string;
  /** Path answered with a 2xx or 3xx once the app is ready, e.g. `/health`. */
  healthPath: string;
  /** Variables the app needs beyond PORT and the release's (configured per environment). */
  env?: Record<string, string>;
  startTimeoutMs: number;
}

/** A release process as recorded in its state file: enough to find it again after a restart. */
export interface RunningRelease {
  release: Release;
  pid: number;
  /** /proc start time of the pid, so a reused pid is not mistaken for the release. */
  startTime?: string;
  port: number;
  worktree: string;
  logFile: string;
  startedAt: string;
}

const stopGraceMs = 5_000;
const healthTimeoutMs = 2_000;
const outputTailBytes = 4_000;

/**
 * Releases of the local target: each commit runs from its own detached worktree as its own
 * process group, with output in a log file, so it outlives Mender — a restart re-adopts it from
 * its state file instead of interrupting the app's traffic.
 */
export class ReleaseProcesses {
  private readonly worktrees: WorktreeManager;
  private readonly stateFolder: string;
  private readonly logFolder: string;

  constructor(root: string) {
    ensurePrivateFolder(root);
    this.worktrees = new WorktreeManager(path.join(root, 'worktrees'));
    this.stateFolder = path.join(root, 'state');
    this.logFolder = path.join(root, 'logs');
    ensurePrivateFolder(this.stateFolder);
    ensurePrivateFolder(this.logFolder);
  }

  /** Checks the commit out, starts it on a free private port and waits for its health path. */
  async start(spec: ReleaseSpec, signal: AbortSignal): Promise<DeployResult<RunningRelease>> {
    const { release } = spec;
    const name = releaseName(release);
    let worktree: string;
    try {
      worktree = await this.worktrees.createDetached(spec.repoPath, name, release.commit);
    } catch (error) {
      return failure(`commit ${release.commit} cannot be checked out: ${(error as Error).message}`);
    }
    const port = await freePort();
    const logFile = path.join(this.logFolder, `${name}.log`);
    const log = fs.openSync(logFile, 'w', privateFileMode);
    const child = spawn('/bin/sh', ['-c', spec.startCommand], {
      cwd: worktree,
      env: buildCommandEnvironment({
        NODE_ENV: 'production',
        CI: 'false',
        ...spec.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        SENTRY_RELEASE: release.commit,
        SENTRY_ENVIRONMENT: release.environment,
      }),
      detached: true,
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    child.unref();
    let exited: string | undefined;
    child.once('exit', (code, exitSignal) => (exited = code === null ? `on signal ${exitSignal}` : `with code ${code}`));
    child.once('error', (error) => (exited = `at start: ${error.message}`));
    const running: RunningRelease = {
      release,
      pid: child.pid ?? -1,
      startTime: child.pid ? processStartTime(child.pid) : undefined,
      port,
      worktree,
      logFile,
      startedAt: new Date().toISOString(),
    };
    const deadline = Date.now() + spec.startTimeoutMs;
    for (;;) {
      if (exited) return this.abandon(running, spec.repoPath, `the start command exited ${exited} before answering ${spec.healthPath}`);
      if (signal.aborted) return this.abandon(running, spec.repoPath, 'the deployment was cancelled while the release started');
      if ((await this.health(running, spec.healthPath)).healthy) break;
      if (Date.now() > deadline) {
        return this.abandon(running, spec.repoPath, `the release did not answer ${spec.healthPath} within ${Math.round(spec.startTimeoutMs / 1000)} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    fs.writeFileSync(this.stateFile(release), JSON.stringify(running, null, 2), { mode: privateFileMode });
    return { ok: true, value: running };
  }

  /** GET the health path on the release's private port: 2xx/3xx is healthy. */
  async health(running: RunningRelease, healthPath: string): Promise<ReleaseHealth> {
    const checkedAt = new Date();
    if (!isSameProcess(running.pid, running.startTime))
      return { healthy: false, exited: true, detail: `the release process ${running.pid} is not running`, checkedAt };
    try {
      const response = await fetch(`http://127.0.0.1:${running.port}${healthPath}`, { signal: AbortSignal.timeout(healthTimeoutMs), redirect: 'manual' });
      await response.body?.cancel();
      return { healthy: response.status < 400, detail: `${healthPath} answered ${response.status}`, checkedAt };
    } catch (error) {
      return { healthy: false, detail: `${healthPath} did not answer: ${(error as Error).message}`, checkedAt };
    }
  }

  /** Releases whose state file names a process that is still the one started: what a restart adopts. */
  adopt(): RunningRelease[] {
    const adopted: RunningRelease[] = [];
    for (const file of fs.readdirSync(this.stateFolder)) {
      const recorded = JSON.parse(fs.readFileSync(path.join(this.stateFolder, file), 'utf8')) as RunningRelease;
      if (isSameProcess(recorded.pid, recorded.startTime)) adopted.push(recorded);
      else fs.rmSync(path.join(this.stateFolder, file), { force: true });
    }
    return adopted;
  }

  /** Stops the release's whole process group and removes its worktree and state. */
  async stop(running: RunningRelease, repoPath: string): Promise<void> {
    if (isSameProcess(running.pid, running.startTime)) await stopProcessGroup(running.pid, stopGraceMs);
    fs.rmSync(this.stateFile(running.release), { force: true });
    await this.worktrees.remove(repoPath, releaseName(running.release));
  }

  /** The last lines the release printed, for a failure a person reads. */
  outputTail(running: Pick<RunningRelease, 'logFile'>): string {
    try {
      const text = fs.readFileSync(running.logFile, 'utf8');
      return text.length > outputTailBytes ? text.slice(-outputTailBytes) : text;
    } catch {
      return '';
    }
  }

  private stateFile(release: Release): string {
    return path.join(this.stateFolder, `${releaseName(release)}.json`);
  }

  private async abandon(running: RunningRelease, repoPath: string, message: string): Promise<DeployResult<RunningRelease>> {
    if (isAlive(running.pid)) await stopProcessGroup(running.pid, stopGraceMs);
    const outputTail = this.outputTail(running);
    await this.worktrees.remove(repoPath, releaseName(running.release));
    return failure(message, outputTail);
  }
}

/** One folder, log and state file per repository, environment and commit. */
function releaseName(release: Release): string {
  return `${release.repoId}-${release.environment}-${release.commit.slice(0, 12)}`.replace(/[^A-Za-z0-9._-]/g, '_');
}

function failure(message: string, outputTail?: string): DeployResult<RunningRelease> {
  return { ok: false, error: { code: 'start_failed', message, ...(outputTail && { outputTail }) } };
}
