// How Mender drives an environment's proxy: adopt the running one from its state file, or start
// it detached; then set weights, read metrics, stop. The proxy is a separate process so a restart
// of Mender never interrupts the app's traffic.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from 'undici';
import type { ControlError, ProxyHealth, ProxyMetrics, Upstreams } from './proxy-protocol.ts';
import { proxyPaths, readProxyState, type ProxyPaths } from './proxy-state-file.ts';

export type ProxyControlErrorCode = 'invalid_request' | 'unreachable' | 'start_failed' | 'port_mismatch';

export class ProxyControlError extends Error {
  constructor(
    readonly code: ProxyControlErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProxyControlError';
  }
}

export interface LocalProxyOptions {
  /** The environment's proxy folder (socket, state, log), e.g. `<data folder>/deploy/proxy-production`. */
  folder: string;
  /** The environment's public port; 0 takes any free port (tests, benches). */
  publicPort: number;
  host?: string;
  /** Weights for a newly started proxy; an adopted proxy keeps its own. Default: the last state's. */
  upstreams?: Upstreams;
  startTimeoutMs?: number;
}

const pollMs = 25;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Alive and a proxy: a pid from an old state file may since belong to another program. */
function isProxyProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('proxy-main');
  } catch {
    return true; // no /proc (not Linux): trust the signal check
  }
}

/** Source checkouts run the TypeScript entry through the repository's loader; a build runs the JS beside this file. */
function proxyCommand(): string[] {
  const self = import.meta.url;
  if (self.endsWith('.ts')) return [fileURLToPath(new URL('../../../bin/run-ts.mjs', self)), fileURLToPath(new URL('./proxy-main.ts', self))];
  return [fileURLToPath(new URL('./proxy-main.js', self))];
}

export class LocalProxyClient {
  private constructor(
    private readonly paths: ProxyPaths,
    private readonly control: Client,
    readonly pid: number,
    readonly publicPort: number,
    /** True when a running proxy was found, false when this call started it. */
    readonly adopted: boolean,
  ) {}

  /** Re-adopts the environment's running proxy, or starts one detached; never starts a second. */
  static async adoptOrStart(options: LocalProxyOptions): Promise<LocalProxyClient> {
    const adopted = await LocalProxyClient.adopt(options);
    if (adopted) return adopted;
    const paths = proxyPaths(options.folder);
    return LocalProxyClient.start(paths, options, options.upstreams ?? readProxyState(paths)?.upstreams ?? undefined);
  }

  /** The environment's running proxy, or undefined when none runs (nothing is started). */
  static async adopt(options: LocalProxyOptions): Promise<LocalProxyClient | undefined> {
    const paths = proxyPaths(options.folder);
    fs.mkdirSync(paths.folder, { recursive: true, mode: 0o700 });
    fs.chmodSync(paths.folder, 0o700);
    const previous = readProxyState(paths);
    if (previous && isProxyProcess(previous.pid)) {
      const control = new Client('http://proxy', { socketPath: paths.socketPath });
      const health = await requestJson<ProxyHealth>(control, 'GET', '/health').catch((error: Error) => {
        void control.close();
        throw new ProxyControlError(
          'unreachable',
          `proxy ${previous.pid} is running but its control socket does not answer (${error.message}): stop it, then retry`,
        );
      });
      if (options.publicPort !== 0 && health.publicPort !== options.publicPort) {
        void control.close();
        throw new ProxyControlError(
          'port_mismatch',
          `the running proxy ${health.pid} listens on port ${health.publicPort}, not ${options.publicPort}: stop it to change the port`,
        );
      }
      return new LocalProxyClient(paths, control, health.pid, health.publicPort, true);
    }
    return undefined;
  }

  private static async start(paths: ProxyPaths, options: LocalProxyOptions, upstreams: Upstreams | undefined): Promise<LocalProxyClient> {
    fs.rmSync(paths.statePath, { force: true });
    const log = fs.openSync(paths.logPath, 'a', 0o600);
    const args = [...proxyCommand(), '--folder', paths.folder, '--port', String(options.publicPort), '--host', options.host ?? '127.0.0.1'];
    if (upstreams) args.push('--upstreams', JSON.stringify(upstreams));
    // Detached, in its own process group, output to a file: no pipe to Mender and no signal
    // for Mender's group, so Mender's death does not reach it. Only PATH and HOME: the proxy
    // needs none of Mender's secrets.
    const child = spawn(process.execPath, args, {
      cwd: paths.folder,
      detached: true,
      stdio: ['ignore', log, log],
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    fs.closeSync(log);
    let exited: string | undefined;
    child.once('exit', (code, signal) => (exited = `exited with ${signal ?? code}`));
    child.unref();

    const deadline = performance.now() + (options.startTimeoutMs ?? 15_000);
    while (performance.now() < deadline && !exited) {
      const state = readProxyState(paths);
      if (state && state.pid === child.pid) {
        const control = new Client('http://proxy', { socketPath: paths.socketPath });
        return new LocalProxyClient(paths, control, state.pid, state.publicPort, false);
      }
      await sleep(pollMs);
    }
    if (!exited) child.kill('SIGKILL');
    const tail = fs.readFileSync(paths.logPath, 'utf8').split('\n').slice(-10).join('\n');
    throw new ProxyControlError('start_failed', `the proxy ${exited ?? 'did not start in time'}; its log (${paths.logPath}) ends:\n${tail}`);
  }

  health(): Promise<ProxyHealth> {
    return requestJson<ProxyHealth>(this.control, 'GET', '/health');
  }

  /** Sets the releases and the canary's share; once it resolves, the next request uses them. */
  async setWeights(upstreams: Upstreams): Promise<Upstreams> {
    const answer = await requestJson<{ upstreams: Upstreams }>(this.control, 'PUT', '/upstreams', upstreams);
    return answer.upstreams;
  }

  /** Cumulative per-release figures; subtract two readings (subtractMetrics) for an interval. */
  metrics(): Promise<ProxyMetrics> {
    return requestJson<ProxyMetrics>(this.control, 'GET', '/metrics');
  }

  /** Stops the proxy (its requests in flight finish first) and waits for its process to end. */
  async stop(timeoutMs = 10_000): Promise<void> {
    await requestJson(this.control, 'POST', '/stop');
    const deadline = performance.now() + timeoutMs;
    while (isProxyProcess(this.pid)) {
      if (performance.now() > deadline) throw new ProxyControlError('unreachable', `proxy ${this.pid} did not stop within ${timeoutMs} ms`);
      await sleep(pollMs);
    }
    await this.close();
  }

  /** Lets go of the control connection; the proxy keeps running (Mender shutting down). */
  close(): Promise<void> {
    return this.control.close();
  }

  get socketPath(): string {
    return this.paths.socketPath;
  }
}

async function requestJson<Answer>(control: Client, method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<Answer> {
  let answer;
  try {
    answer = await control.request({
      method,
      path,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
      headersTimeout: 5_000,
      bodyTimeout: 5_000,
    });
  } catch (error) {
    throw new ProxyControlError('unreachable', `the proxy's control socket did not answer ${method} ${path}: ${(error as Error).message}`);
  }
  const text = await answer.body.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ProxyControlError('unreachable', `the proxy answered ${method} ${path} with something other than JSON: ${text.slice(0, 200)}`);
  }
  if (answer.statusCode !== 200) throw new ProxyControlError('invalid_request', (parsed as ControlError).error?.message ?? text.slice(0, 200));
  return parsed as Answer;
}
