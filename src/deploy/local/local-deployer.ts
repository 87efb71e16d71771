import path from 'node:path';
import type { DeployResult, Deployer, ReleaseHealth, TrafficReading } from '../deployer.ts';
import type { DeploymentRecord, Release } from '../deployment.ts';
import { LocalProxyClient } from './local-proxy-client.ts';
import type { Upstreams } from './proxy-protocol.ts';
import { ReleaseProcesses, type RunningRelease } from './release-processes.ts';

export interface LocalTargetOptions {
  /** `<data folder>/deploy/<repository>`: the releases' worktrees, logs and state, and each environment's proxy. */
  root: string;
  /** The registered checkout releases are made from. */
  repoPath: string;
  startCommand: string;
  healthPath: string;
  /** Variables the app needs beyond PORT and the release's. */
  env?: Record<string, string>;
  startTimeoutMs: number;
  /** Each environment's public port (0: any free port, for tests); the proxy listens there. */
  environments: Record<string, { publicPort: number; host?: string }>;
}

/**
 * The `local` target: Mender runs the app itself. Releases are processes of their own
 * (release-processes.ts) behind an environment's proxy (a process of its own too), so both outlive
 * Mender; a new instance re-adopts them from their state files.
 */
export class LocalDeployer implements Deployer {
  readonly id = 'local';
  readonly canSplitTraffic = true;
  private readonly releases: ReleaseProcesses;
  private readonly running = new Map<string, RunningRelease>();
  private readonly proxies = new Map<string, Promise<LocalProxyClient>>();

  constructor(private readonly options: LocalTargetOptions) {
    this.releases = new ReleaseProcesses(path.join(options.root, 'releases'));
    for (const release of this.releases.adopt()) this.running.set(keyOf(release.release), release);
  }

  async deploy(deployment: DeploymentRecord, signal: AbortSignal): Promise<DeployResult> {
    const proxy = await this.proxyOrFailure(deployment.release.environment);
    if (!proxy.ok) return proxy;
    if (this.running.has(keyOf(deployment.release))) {
      return failure(`release ${deployment.release.commit.slice(0, 12)} already runs in ${deployment.release.environment}`);
    }
    const { options } = this;
    const started = await this.releases.start(
      {
        release: deployment.release,
        repoPath: options.repoPath,
        startCommand: options.startCommand,
        healthPath: options.healthPath,
        env: options.env,
        startTimeoutMs: options.startTimeoutMs,
      },
      signal,
    );
    if (!started.ok) return started;
    this.running.set(keyOf(deployment.release), started.value);
    const upstreams = await this.upstreamsOf(proxy.value);
    // An environment's first release has nothing to be compared with: it takes all traffic.
    if (!upstreams) return this.weigh(proxy.value, { stable: upstreamOf(started.value), canaryPercent: 0 });
    return { ok: true, value: undefined };
  }

  async health(release: Release): Promise<ReleaseHealth> {
    const running = this.running.get(keyOf(release));
    if (!running) return { healthy: false, detail: `release ${release.commit.slice(0, 12)} is not running in ${release.environment}`, checkedAt: new Date() };
    return this.releases.health(running, this.options.healthPath);
  }

  async shiftTraffic(deployment: DeploymentRecord, percent: number): Promise<DeployResult> {
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) return failure(`traffic is a whole percent from 0 to 100, not ${percent}`);
    const setUp = await this.stableAndNew(deployment);
    if (!setUp.ok) return setUp;
    const { proxy, stable, candidate } = setUp.value;
    if (stable.release === candidate.release) return { ok: true, value: undefined };
    return this.weigh(proxy, { stable, canary: candidate, canaryPercent: percent });
  }

  async promote(deployment: DeploymentRecord): Promise<DeployResult> {
    const setUp = await this.stableAndNew(deployment);
    if (!setUp.ok) return setUp;
    const { proxy, stable, candidate } = setUp.value;
    const weighed = await this.weigh(proxy, { stable: candidate, canaryPercent: 0 });
    if (!weighed.ok || stable.release === candidate.release) return weighed;
    // Only once no new request can reach it does the previous release stop (its requests in flight finish).
    await this.stopRelease({ ...deployment.release, commit: stable.release }, proxy);
    return weighed;
  }

  async rollBack(deployment: DeploymentRecord, reason: string): Promise<DeployResult> {
    const proxy = await this.proxyOrFailure(deployment.release.environment);
    if (!proxy.ok) return proxy;
    const upstreams = await this.upstreamsOf(proxy.value);
    if (!upstreams || upstreams.stable.release === deployment.release.commit) {
      return failure(`there is no stable release to roll ${deployment.release.environment} back to (${reason})`);
    }
    const weighed = await this.weigh(proxy.value, { stable: upstreams.stable, canaryPercent: 0 });
    if (!weighed.ok) return weighed;
    await this.stopRelease(deployment.release, proxy.value);
    return weighed;
  }

  async current(repoId: string, environment: string): Promise<Release | undefined> {
    const proxy = await this.proxyOrFailure(environment);
    if (!proxy.ok) return undefined;
    const upstreams = await this.upstreamsOf(proxy.value);
    return upstreams ? { repoId, environment, commit: upstreams.stable.release } : undefined;
  }

  async traffic(environment: string): Promise<TrafficReading | undefined> {
    const proxy = await this.proxyOrFailure(environment);
    if (!proxy.ok) return undefined;
    const metrics = await proxy.value.metrics();
    const releases: TrafficReading['releases'] = {};
    for (const [commit, counts] of Object.entries(metrics.releases)) {
      releases[commit] = { requests: counts.requests, serverErrors: counts.statuses['5xx'], latency: counts.latency };
    }
    return { source: `${metrics.pid}@${metrics.startedAt}`, releases };
  }

  releaseUrl(release: Release): string | undefined {
    const running = this.running.get(keyOf(release));
    return running ? `http://127.0.0.1:${running.port}` : undefined;
  }

  /** The environment's public port, once its proxy runs. */
  async publicPort(environment: string): Promise<number> {
    const proxy = await this.proxyOrFailure(environment);
    if (!proxy.ok) throw new Error(proxy.error.message);
    return proxy.value.publicPort;
  }

  /** Takes an environment down: its proxy (if one runs) and every release of it stop. */
  async stopEnvironment(environment: string): Promise<void> {
    // A proxy that is not running is not started just to be stopped.
    const settings = this.options.environments[environment];
    const known = this.proxies.get(environment);
    this.proxies.delete(environment);
    const proxy = known
      ? await known.catch(() => undefined)
      : settings && (await LocalProxyClient.adopt({ folder: this.proxyFolder(environment), publicPort: settings.publicPort, host: settings.host }));
    await proxy?.stop();
    for (const running of [...this.running.values()]) if (running.release.environment === environment) await this.stopRelease(running.release);
  }

  /** Lets go of the proxies' control connections; proxies and releases keep serving (Mender stopping). */
  async close(): Promise<void> {
    for (const proxy of this.proxies.values()) await (await proxy.catch(() => undefined))?.close();
    this.proxies.clear();
  }

  private async stableAndNew(
    deployment: DeploymentRecord,
  ): Promise<DeployResult<{ proxy: LocalProxyClient; stable: Upstreams['stable']; candidate: Upstreams['stable'] }>> {
    const proxy = await this.proxyOrFailure(deployment.release.environment);
    if (!proxy.ok) return proxy;
    const running = this.running.get(keyOf(deployment.release));
    if (!running) return failure(`release ${deployment.release.commit.slice(0, 12)} is not running in ${deployment.release.environment}: deploy it first`);
    const upstreams = await this.upstreamsOf(proxy.value);
    const candidate = upstreamOf(running);
    return { ok: true, value: { proxy: proxy.value, stable: upstreams?.stable ?? candidate, candidate } };
  }

  /** Stops a release no new request reaches, once the requests it is still answering are done. */
  private proxyFolder(environment: string): string {
    return path.join(this.options.root, `proxy-${environment}`);
  }

  private async stopRelease(release: Release, proxy?: LocalProxyClient): Promise<void> {
    const running = this.running.get(keyOf(release));
    if (!running) return;
    this.running.delete(keyOf(release));
    if (proxy) await drain(proxy, release.commit);
    await this.releases.stop(running, this.options.repoPath);
  }

  private async weigh(proxy: LocalProxyClient, upstreams: Upstreams): Promise<DeployResult> {
    try {
      await proxy.setWeights(upstreams);
      return { ok: true, value: undefined };
    } catch (error) {
      return failure(`the proxy refused the new weights: ${(error as Error).message}`);
    }
  }

  private async upstreamsOf(proxy: LocalProxyClient): Promise<Upstreams | undefined> {
    return (await proxy.health()).upstreams ?? undefined;
  }

  private async proxyOrFailure(environment: string): Promise<DeployResult<LocalProxyClient>> {
    const settings = this.options.environments[environment];
    if (!settings) return failure(`environment "${environment}" has no local target settings (known: ${Object.keys(this.options.environments).join(', ')})`);
    let proxy = this.proxies.get(environment);
    if (!proxy) {
      proxy = LocalProxyClient.adoptOrStart({
        folder: this.proxyFolder(environment),
        publicPort: settings.publicPort,
        host: settings.host,
      });
      this.proxies.set(environment, proxy);
    }
    try {
      return { ok: true, value: await proxy };
    } catch (error) {
      this.proxies.delete(environment);
      return failure(`the ${environment} proxy is not available: ${(error as Error).message}`);
    }
  }
}

const drainLimitMs = 30_000;

/** Waits until the proxy has no request in flight to `release` (a long request gets up to 30 s). */
async function drain(proxy: LocalProxyClient, release: string): Promise<void> {
  const deadline = Date.now() + drainLimitMs;
  while (Date.now() < deadline) {
    const counts = (await proxy.metrics()).releases[release];
    if (!counts || counts.inFlight <= 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function keyOf(release: Release): string {
  return `${release.environment}/${release.commit}`;
}

function upstreamOf(running: RunningRelease): Upstreams['stable'] {
  return { release: running.release.commit, port: running.port };
}

function failure<Value = void>(message: string): DeployResult<Value> {
  return { ok: false, error: { code: 'command_failed', message } };
}
