import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../src/deploy/local/free-port.ts';

export { freePort };

const menderScript = path.resolve(import.meta.dirname, '../../bin/mender.mjs');

/** Resolves once `${url}/health` answers 200; fails at once, with the output, if `child` exits first. */
export async function waitForHealth(url: string, child: ChildProcess, output: () => string, tries = 600): Promise<void> {
  for (let attempt = 0; attempt < tries; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`the process exited early: ${output()}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the process did not become healthy: ${output()}`);
}

export interface MenderProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote so far, stdout and stderr. */
  output(): string;
}

export interface StartMenderProcessOptions {
  /** The whole environment of the process (MENDER_PORT is set from `port`). */
  env: Record<string, string | undefined>;
  /** Default: a free port. A restart passes the port of the process before it. */
  port?: number;
  /** Program and arguments before `start`; default `node bin/mender.mjs`. */
  command?: [string, ...string[]];
  /** Arguments after `start`, e.g. `['--role', 'worker']`. */
  args?: string[];
  /** Called with each chunk of output (for a log kept across restarts). */
  onOutput?: (chunk: string) => void;
  /** Health checks, 100 ms apart, before giving up (default 600). */
  tries?: number;
  /** Run under the supervisor (`mender start`); default: one process (`--no-supervisor`), which a test can crash. */
  supervised?: boolean;
}

/** `mender start` as its own process, resolved once it answers /health. */
export async function startMenderProcess(options: StartMenderProcessOptions): Promise<MenderProcess> {
  const port = options.port ?? (await freePort());
  const [program, ...args] = options.command ?? [process.execPath, menderScript];
  const child = spawn(program, [...args, 'start', ...(options.supervised ? [] : ['--no-supervisor']), ...(options.args ?? [])], {
    env: { ...options.env, MENDER_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    options.onOutput?.(chunk.toString());
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, child, () => output, options.tries);
  } catch (error) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw error;
  }
  return { child, url, output: () => output };
}
