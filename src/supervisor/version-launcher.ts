import type { ChildMessage, SelfState, SelfVersion } from '../domain/self-update-vocabulary.ts';
import { ChildFailure, describeExit, MenderChild } from './mender-child.ts';
import { healthyBefore } from './health-probe.ts';

export interface VersionLauncherOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  checkout: string;
  startTimeoutMs: number;
  write: (line: string) => void;
  onMessage: (child: MenderChild, message: ChildMessage) => void;
  onExit: (child: MenderChild, at: number) => void;
  /** The supervisor's state, handed to a version as it takes over. */
  state: () => SelfState;
}

/** Starting one version in two steps: load it (it holds nothing), then hand it the database and a port. */
export class VersionLauncher {
  constructor(private readonly options: VersionLauncherOptions) {}

  /** Starts a version's process and waits until it has loaded its code (it holds nothing yet). */
  async launch(version: SelfVersion): Promise<MenderChild> {
    const { cwd, env, write } = this.options;
    const child = new MenderChild(version.folder, { cwd, env, label: version.commit.slice(0, 8), write });
    child.onMessage((message) => this.options.onMessage(child, message));
    void child.exited.then((exit) => this.options.onExit(child, exit.at));
    try {
      await child.waitFor('standby', this.options.startTimeoutMs);
    } catch (error) {
      await child.kill();
      if (error instanceof ChildFailure) error.logTail = await child.finalLogTail();
      throw error;
    }
    return child;
  }

  /** Hands it the database and a private port; resolves with the port once /health answers 200. */
  async takeOver(child: MenderChild): Promise<number> {
    const { startTimeoutMs, checkout } = this.options;
    const deadline = Date.now() + startTimeoutMs;
    child.send({ type: 'takeover', host: '127.0.0.1', port: 0, checkout, state: this.options.state() });
    const { port } = await child.waitFor('ready', deadline - Date.now());
    if (!(await healthyBefore(port, deadline, () => !child.running))) {
      if (!child.running) throw new ChildFailure('exited', `it exited (${describeExit(await child.exited)}) before /health answered 200`);
      throw new ChildFailure('unhealthy', `its /health did not answer 200 within ${Math.round(startTimeoutMs / 1000)} s`);
    }
    return port;
  }
}
