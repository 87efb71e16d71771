import { execFile } from 'node:child_process';

export interface RunGitOptions {
  /** Written to git's standard input, which is otherwise closed. */
  input?: string;
  signal?: AbortSignal;
  /** Return a non-zero exit code instead of throwing a GitError. */
  allowFailure?: boolean;
  /** Added last: overrides the default identity and safety variables. */
  env?: Record<string, string>;
}

export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** A git command failed; the message names the arguments and git's own complaint. */
export class GitError extends Error {
  readonly code = 'git_failed';
  override name = 'GitError';

  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    detail?: string,
  ) {
    const reason = detail ?? (stderr.trim() || 'no error output');
    super(`git ${args.join(' ')} failed (exit code ${exitCode ?? 'none'}): ${reason}`);
  }
}

/**
 * Settings placed before every command so that a target repository's own configuration cannot
 * run code: hooks are looked up in /dev/null (where none exist) and the fsmonitor daemon is off.
 */
export const safetyConfigArguments: readonly string[] = [
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'core.untrackedCache=false',
];

const maxBufferBytes = 256 * 1024 * 1024;

/**
 * Variables from our own environment that would point git at another repository or another
 * configuration (set, for example, when Mender itself runs inside a git hook).
 */
function inheritedEnvironment(): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || name.startsWith('GIT_')) continue;
    environment[name] = value;
  }
  return environment;
}

/**
 * Runs git without a shell, with hooks, fsmonitor and editors disabled and no interactive prompts.
 * Not covered: diff.external and textconv drivers; pass --no-ext-diff --no-textconv to diff.
 */
export function runGit(cwd: string, args: readonly string[], options: RunGitOptions = {}): Promise<GitResult> {
  const environment: Record<string, string> = {
    ...inheritedEnvironment(),
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_PAGER: 'cat',
    // Overrides core.editor and sequence.editor: an editor is never wanted and must not be a
    // program named by the repository's configuration.
    GIT_EDITOR: 'true',
    GIT_SEQUENCE_EDITOR: 'true',
    GIT_AUTHOR_NAME: 'Mender',
    GIT_AUTHOR_EMAIL: 'mender@localhost',
    GIT_COMMITTER_NAME: 'Mender',
    GIT_COMMITTER_EMAIL: 'mender@localhost',
    ...options.env,
  };

  return new Promise<GitResult>((resolve, reject) => {
    const child = execFile(
      'git',
      [...safetyConfigArguments, ...args],
      {
        cwd,
        env: environment,
        maxBuffer: maxBufferBytes,
        encoding: 'utf8',
        signal: options.signal,
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ stdout, stderr, exitCode: 0 });
          return;
        }
        if (error.name === 'AbortError') {
          reject(error);
          return;
        }
        // A number is git's exit code; anything else (ENOENT, maxBuffer, a signal) means git did
        // not run to completion, which allowFailure does not cover.
        if (typeof error.code === 'number') {
          if (options.allowFailure) {
            resolve({ stdout, stderr, exitCode: error.code });
            return;
          }
          reject(new GitError(args, error.code, stderr));
          return;
        }
        reject(new GitError(args, null, stderr, error.message));
      },
    );
    // Close stdin either way so a command that reads it never waits for input.
    child.stdin?.on('error', () => {
      // git may exit before reading its input (EPIPE); its exit code tells what happened.
    });
    child.stdin?.end(options.input ?? '');
  });
}
