import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ChildMessage, SupervisorMessage } from '../domain/self-update-vocabulary.ts';

const tailLines = 60;

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

/**
 * One Mender process of one version, started from its folder's `bin/mender.mjs` with an IPC
 * channel. It loads its code, says `standby`, and opens the database and serves only when told
 * `takeover`; `release` makes it stop serving and exit. Its output passes through to the
 * supervisor's and its last lines are kept for the record of a revert.
 */
export class MenderChild {
  readonly process: ChildProcess;
  readonly exited: Promise<ChildExit>;
  private readonly outputClosed: Promise<void>;
  private readonly tail: string[] = [];
  private readonly listeners = new Set<(message: ChildMessage) => void>();
  port: number | undefined;

  constructor(folder: string, options: { cwd: string; env: NodeJS.ProcessEnv; label: string; write: (line: string) => void }) {
    this.process = fork(path.join(folder, 'bin', 'mender.mjs'), ['start', '--supervised-child'], {
      cwd: options.cwd,
      env: options.env,
      execArgv: nodeOptions(folder),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const closed: Promise<void>[] = [];
    for (const stream of [this.process.stdout, this.process.stderr]) {
      if (stream) closed.push(new Promise((resolve) => stream.once('close', () => resolve())));
      let partial = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.keep(line, options);
      });
      stream?.on('end', () => partial && this.keep(partial, options));
    }
    this.process.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') this.port = message.port;
      for (const listener of this.listeners) listener(message);
    });
    this.exited = new Promise((resolve) => this.process.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
    this.outputClosed = Promise.all(closed).then(() => undefined);
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get logTail(): string {
    return this.tail.join('\n');
  }

  /**
   * The log tail once the output has ended: 'exit' may come before the last lines do (a crash's
   * error), so a judge of an exit waits for them, at most `boundMs` (something may hold the pipes).
   */
  async finalLogTail(boundMs = 1000): Promise<string> {
    await Promise.race([this.outputClosed, new Promise((resolve) => setTimeout(resolve, boundMs).unref())]);
    return this.logTail;
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  send(message: SupervisorMessage): void {
    if (this.running && this.process.connected) this.process.send(message);
  }

  onMessage(listener: (message: ChildMessage) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** The first message of this type, or the reason it did not come: the process exited, or time ran out. */
  async waitFor<Type extends ChildMessage['type']>(type: Type, timeoutMs: number): Promise<Extract<ChildMessage, { type: Type }>> {
    let unsubscribe: () => void = () => undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        new Promise<Extract<ChildMessage, { type: Type }>>((resolve) => {
          unsubscribe = this.onMessage((message) => {
            if (message.type === type) resolve(message as Extract<ChildMessage, { type: Type }>);
          });
        }),
        this.exited.then((exit) => {
          throw new ChildFailure('exited', `it exited (${describeExit(exit)}) before it was ${type}`);
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new ChildFailure('timeout', `it was not ${type} within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
        }),
      ]);
    } finally {
      unsubscribe();
      clearTimeout(timer);
    }
  }

  /** Asks it to stop serving and exit; kills it when it has not within `graceMs`. */
  async stop(graceMs: number): Promise<ChildExit> {
    if (!this.running) return this.exited;
    this.send({ type: 'release' });
    if (!this.process.connected) this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  kill(): Promise<ChildExit> {
    if (this.running) this.process.kill('SIGKILL');
    return this.exited;
  }

  private keep(line: string, options: { label: string; write: (line: string) => void }): void {
    this.tail.push(line);
    if (this.tail.length > tailLines) this.tail.shift();
    options.write(`${line}\n`);
  }
}

export class ChildFailure extends Error {
  /** The process's last output, when it is gone. */
  logTail: string | undefined;
  constructor(
    readonly kind: 'exited' | 'timeout' | 'unhealthy',
    message: string,
  ) {
    super(message);
  }
}

export function describeExit(exit: ChildExit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

/** The heap flags the version's own `bin/mender` would run it with. */
function nodeOptions(folder: string): string[] {
  try {
    return fs
      .readFileSync(path.join(folder, 'bin', 'node-options'), 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
  } catch {
    return [];
  }
}
