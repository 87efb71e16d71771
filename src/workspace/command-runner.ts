import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { commandPath, scratchEnvironment } from './sandbox-scratch.ts';

export interface RunCommandOptions {
  cwd: string;
  /** The whole environment of the command; nothing is inherited. See buildCommandEnvironment. */
  env: Record<string, string>;
  timeoutMs: number;
  /** Output beyond this keeps its first and last halves, with a note of what was left out. */
  outputLimitBytes: number;
  signal?: AbortSignal;
}

export interface CommandResult {
  /** Null when the shell was ended by a signal. */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  /** stdout and stderr interleaved as received, capped to outputLimitBytes (plus the note). */
  output: string;
  /** All output bytes the command produced, including those left out. */
  outputBytes: number;
  durationMs: number;
}

/** Time between SIGTERM and SIGKILL for a process group that is being stopped. */
export const killGraceMs = 2_000;

/** After the group is killed, how long to wait for a process outside it holding the output open. */
const closeGraceMs = 1_000;

/**
 * The environment for a command: a fixed allowlist, never the server's own variables (which hold
 * tokens). Pass HOME (a temporary home for the operation) and TMPDIR in `extra`; the XDG cache
 * and config folders go inside that HOME. PATH (with this node and the system folders added
 * where missing) and LANG are taken from this process.
 */
export function buildCommandEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: commandPath(process.env.PATH),
    HOME: tmpdir(),
    LANG: process.env.LANG ?? 'C.UTF-8',
    TERM: 'dumb',
    CI: 'true',
    NODE_ENV: 'test',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    TMPDIR: tmpdir(),
    ...(extra.HOME ? scratchEnvironment(extra.HOME) : {}),
    ...extra,
  };
}

/** Keeps the first and last `limit / 2` bytes of a stream of chunks. */
class HeadTailBuffer {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  totalBytes = 0;

  constructor(private readonly limit: number) {}

  append(chunk: Buffer): void {
    this.totalBytes += chunk.length;
    const headRoom = Math.ceil(this.limit / 2) - this.headBytes;
    if (headRoom > 0) {
      const taken = chunk.subarray(0, headRoom);
      this.head.push(taken);
      this.headBytes += taken.length;
      chunk = chunk.subarray(taken.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    const tailLimit = Math.floor(this.limit / 2);
    while (this.tailBytes > tailLimit && this.tail.length > 0) {
      const excess = this.tailBytes - tailLimit;
      const first = this.tail[0]!;
      if (first.length <= excess) {
        this.tail.shift();
        this.tailBytes -= first.length;
      } else {
        this.tail[0] = first.subarray(excess);
        this.tailBytes -= excess;
      }
    }
  }

  toString(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    const omitted = this.totalBytes - this.headBytes - this.tailBytes;
    if (omitted === 0) return head + tail;
    return `${head}\n[… ${omitted} bytes omitted …]\n${tail}`;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // A negative pid addresses the whole process group the shell leads.
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Runs `command` with /bin/sh in its own process group, with exactly the given environment and
 * no stdin. On timeout or abort the whole group gets SIGTERM, then SIGKILL after killGraceMs;
 * processes the command leaves running after it exits are killed too.
 */
export function runCommand(command: string, options: RunCommandOptions): Promise<CommandResult> {
  const startedAt = performance.now();
  const output = new HeadTailBuffer(options.outputLimitBytes);
  const finished = (partial: Pick<CommandResult, 'exitCode' | 'signal' | 'timedOut' | 'cancelled'>): CommandResult => ({
    ...partial,
    output: output.toString(),
    outputBytes: output.totalBytes,
    durationMs: Math.round(performance.now() - startedAt),
  });

  if (options.signal?.aborted) {
    return Promise.resolve(finished({ exitCode: null, signal: null, timedOut: false, cancelled: true }));
  }

  return new Promise<CommandResult>((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let cancelled = false;
    let exit: { code: number | null; signal: string | null } | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let closeTimer: NodeJS.Timeout | undefined;

    /** SIGTERM to the whole group now, SIGKILL after the grace period (once). */
    const stopGroup = () => {
      const pid = child.pid;
      if (pid === undefined || killTimer) return;
      signalGroup(pid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), killGraceMs);
      // The SIGKILL must still come if the pipes close first, but it need not keep Node running.
      killTimer.unref();
    };
    const onAbort = () => {
      if (exit || timedOut) return;
      cancelled = true;
      stopGroup();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timeoutTimer = setTimeout(() => {
      if (exit || cancelled) return;
      timedOut = true;
      stopGroup();
    }, options.timeoutMs);

    const cleanUp = () => {
      clearTimeout(timeoutTimer);
      clearTimeout(closeTimer);
      options.signal?.removeEventListener('abort', onAbort);
    };

    child.stdout.on('data', (chunk: Buffer) => output.append(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.append(chunk));

    child.once('error', (error) => {
      cleanUp();
      clearTimeout(killTimer);
      reject(new Error(`could not start "${command}" in ${options.cwd}: ${error.message}`));
    });

    child.once('exit', (code, signal) => {
      exit = { code, signal };
      // Whatever the command started and left running is stopped with it.
      stopGroup();
      // A process that left the group may hold the pipes open; do not wait for it forever.
      closeTimer = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, killGraceMs + closeGraceMs);
    });

    child.once('close', (code, signal) => {
      cleanUp();
      const final = exit ?? { code, signal };
      resolve(finished({ exitCode: final.code, signal: final.signal, timedOut, cancelled }));
    });
  });
}
