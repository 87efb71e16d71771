import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findProgramSetting, parseConfigList } from './git-config-guard.ts';

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

/** The repository's own configuration names a program git would run; Mender's git refuses to work there. */
export class GitConfigRefusedError extends GitError {
  override name = 'GitConfigRefusedError';

  constructor(
    args: readonly string[],
    readonly cwd: string,
    readonly key: string,
    readonly origin: string,
    what: string,
  ) {
    const file = origin.replace(/^file:/, '');
    super(
      args,
      null,
      '',
      `the repository at ${cwd} sets ${key} in ${file}, ${what} that git would run as Mender's user; Mender's git refuses repository-local settings that run programs: remove it (git config --file ${file} --unset-all ${key}) and try again`,
    );
  }
}

/**
 * Settings placed before every command so that a target repository's own configuration cannot
 * run code: hooks are looked up in /dev/null (where none exist), the fsmonitor daemon is off, and
 * submodules (a nested repository with a configuration of its own) are never looked into.
 * Passed on to git's child processes through GIT_CONFIG_PARAMETERS.
 */
export const safetyConfigArguments: readonly string[] = [
  '--no-pager',
  '-c',
  'diff.ignoreSubmodules=all',
  '-c',
  'submodule.recurse=false',
  '-c',
  'status.submoduleSummary=false',
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
 * Runs git without a shell, with hooks, fsmonitor, pager and editors disabled and no interactive
 * prompts, after checking that the repository's own configuration names no program git would run
 * (filters, diff and merge drivers, ssh command, credential helper, includes: git-config-guard.ts);
 * such a repository gets a GitConfigRefusedError naming the key and the file.
 */
export async function runGit(cwd: string, args: readonly string[], options: RunGitOptions = {}): Promise<GitResult> {
  const environment = gitEnvironment(options);
  // Read fresh every time: a sandboxed command may have run since the last call. Outside a
  // repository this lists only the global settings, which are Mender's own.
  await refuseProgramSettings(cwd, args, environment, options.signal);
  // Submodules (gitlinks in the index): `git add` and others run `git status` inside each one,
  // under that repository's own configuration, which the coder's tests may have written.
  const staged = await execGit(cwd, ['ls-files', '--stage', '-z'], environment, { signal: options.signal, allowFailure: true });
  if (staged.exitCode === 0) {
    for (const record of staged.stdout.split('\0')) {
      if (!record.startsWith('160000 ')) continue;
      const nested = path.join(cwd, record.slice(record.indexOf('\t') + 1));
      if (fs.existsSync(path.join(nested, '.git'))) await refuseProgramSettings(nested, args, environment, options.signal);
    }
  }
  return execGit(cwd, args, environment, options);
}

async function refuseProgramSettings(
  cwd: string,
  args: readonly string[],
  environment: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<void> {
  const listed = await execGit(cwd, ['config', '--list', '--show-scope', '--show-origin', '-z'], environment, { signal, allowFailure: true });
  const found = listed.exitCode === 0 ? findProgramSetting(parseConfigList(listed.stdout)) : undefined;
  if (found) throw new GitConfigRefusedError(args, cwd, found.entry.key, found.entry.origin, found.what);
}

function gitEnvironment(options: RunGitOptions): Record<string, string> {
  return {
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
}

function execGit(
  cwd: string,
  args: readonly string[],
  environment: Record<string, string>,
  options: Pick<RunGitOptions, 'input' | 'signal' | 'allowFailure'>,
): Promise<GitResult> {
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
