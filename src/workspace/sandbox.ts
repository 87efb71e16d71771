import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { quoteShellArgument } from './test-report/shell-command.ts';
import { linkedPackagesInTemporary, nodeModulesScratchBinds } from './sandbox-scratch.ts';

export type SandboxMode = 'bubblewrap' | 'off';

export interface SandboxSettings {
  /** `off` runs commands without isolation; only an explicit setting may choose it. */
  mode: SandboxMode;
  /** Called before every command that runs without isolation, so the caller can warn. */
  onUnsandboxedRun?: (command: string) => void;
  /** The bwrap executable; looked up on PATH when not given. */
  bwrapPath?: string;
}

export type SandboxDetection = { available: true; bwrapPath: string } | { available: false; reason: string };

const turnOffAdvice = 'or set MENDER_SANDBOX=off to run commands without isolation (not recommended)';

/** Commands cannot be isolated here and the configuration does not allow running them without. */
export class SandboxUnavailableError extends Error {
  readonly code = 'sandbox_unavailable';
  override name = 'SandboxUnavailableError';
}

/**
 * The isolation every command gets. Checked on Debian 12 (bubblewrap 0.8, kernel 6.x), as root
 * and as a normal user; bwrap there is not setuid, so it relies on unprivileged user namespaces.
 * - `--ro-bind / /` then writable binds: the system, the repository checkout (which the
 *   worktree's node_modules links to) and Node/npm stay readable, nothing outside is writable.
 * - `--dev /dev`, `--proc /proc`: a minimal /dev (with a writable /dev/shm) and a /proc of the
 *   new PID namespace. Inside Docker/Podman mounting a fresh /proc is refused when the
 *   container masks parts of its own /proc ("Can't mount proc on /newroot/proc"), see
 *   containers/bubblewrap#505; the probe in detectSandbox then reports the sandbox unavailable.
 * - `--tmpfs /tmp`: a private, empty /tmp.
 * - `--unshare-net`: only a loopback of its own, so no connection leaves the sandbox, not even
 *   to servers on the host's 127.0.0.1. `--unshare-pid/-ipc/-uts/-cgroup-try` hide the rest.
 * - `--unshare-user-try` and `--cap-drop ALL`: as root, bwrap otherwise leaves the command with
 *   every capability, and CAP_SYS_ADMIN can simply `mount -o remount,rw /`. In a user namespace
 *   without capabilities, uid 0 can write only what it owns on writable mounts. `-try` keeps a
 *   setuid bwrap on hosts without user namespaces working; the dropped capabilities suffice.
 * - `--die-with-parent`: if Mender dies, the sandbox dies. With the PID namespace, when bwrap is
 *   killed (runCommand signals the whole process group, which bwrap leads after `exec`), its
 *   init is killed and the kernel kills every process left inside.
 * - No `--new-session`: it guards against TIOCSTI on a controlling terminal, but runCommand
 *   already starts a new session without one and gives no stdin; staying in the process group
 *   lets the command itself get SIGTERM first and clean up within the grace period.
 */
const isolationArguments = [
  '--ro-bind',
  '/',
  '/',
  '--dev',
  '/dev',
  '--proc',
  '/proc',
  '--tmpfs',
  '/tmp',
  '--unshare-user-try',
  '--unshare-ipc',
  '--unshare-pid',
  '--unshare-net',
  '--unshare-uts',
  '--unshare-cgroup-try',
  '--cap-drop',
  'ALL',
  '--die-with-parent',
];

const probeTimeoutMs = 10_000;
const detections = new Map<string, Promise<SandboxDetection>>();

function findOnPath(name: string): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!folder) continue;
    const candidate = path.join(folder, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

async function probe(requestedPath: string | undefined): Promise<SandboxDetection> {
  const bwrapPath = requestedPath ?? findOnPath('bwrap');
  if (bwrapPath === undefined || !fs.existsSync(bwrapPath)) {
    const where = bwrapPath === undefined ? 'no bwrap on PATH' : `${bwrapPath} does not exist`;
    return { available: false, reason: `bubblewrap is not installed (${where}): apt-get install bubblewrap, ${turnOffAdvice}` };
  }
  // The same isolation a command gets: a flag the kernel or container refuses fails here, once.
  return new Promise((resolve) => {
    execFile(
      bwrapPath,
      [...isolationArguments, '/bin/sh', '-c', 'true'],
      { timeout: probeTimeoutMs, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
      (error, _stdout, stderr) => {
        if (!error) {
          resolve({ available: true, bwrapPath });
          return;
        }
        const detail = stderr.trim() || error.message;
        resolve({
          available: false,
          reason: `bubblewrap cannot create a sandbox here (${detail}): allow unprivileged user namespaces (and, in a container, mounting /proc), ${turnOffAdvice}`,
        });
      },
    );
  });
}

/** Whether bwrap is installed and can create the sandbox here; the answer is cached per path. */
export function detectSandbox(bwrapPath?: string): Promise<SandboxDetection> {
  const key = bwrapPath ?? '';
  let detection = detections.get(key);
  if (!detection) {
    detection = probe(bwrapPath);
    detections.set(key, detection);
  }
  return detection;
}

export interface WrapOptions {
  bwrapPath: string;
  /** Writable, and the working directory. */
  worktree: string;
  /** Further writable folders, e.g. the run's HOME and report files. */
  writablePaths: string[];
  /** Folders to keep readable although they lie in /tmp, which the sandbox hides; missing ones are skipped. */
  readOnlyPaths?: string[];
  /** Folders replaced by an empty one, files by /dev/null (Mender's data folder, the checkout with its .env); missing ones are skipped. */
  hiddenPaths?: string[];
  /** Files inside the worktree replaced by an empty one (secrets the agent may not read). */
  maskedFiles?: string[];
  /** A node_modules outside the worktree (the checkout's) to give a writable, per-run top level; see sandbox-scratch.ts. */
  nodeModules?: string;
}

/**
 * The argv that runs `command` with /bin/sh inside the sandbox. Paths are resolved to real paths,
 * which is where they are bound inside.
 */
export function wrapCommand(command: string, options: WrapOptions): string[] {
  const worktree = fs.realpathSync(options.worktree);
  const binds: string[] = [];
  // Later mounts cover earlier ones: hidden folders first, then the read-only links back into
  // them, then the writable folders, then the masks over secret files.
  for (const hidden of options.hiddenPaths ?? []) {
    if (!fs.existsSync(hidden)) continue;
    const real = fs.realpathSync(hidden);
    if (fs.statSync(real).isDirectory()) binds.push('--tmpfs', real);
    else binds.push('--ro-bind', '/dev/null', real);
  }
  for (const readOnly of options.readOnlyPaths ?? []) binds.push('--ro-bind-try', readOnly, readOnly);
  if (options.nodeModules) binds.push(...nodeModulesScratchBinds(options.nodeModules));
  binds.push('--bind', worktree, worktree);
  for (const writable of options.writablePaths) {
    const real = fs.realpathSync(writable);
    binds.push('--bind', real, real);
  }
  // The worktree's `.git` (a file naming its git folder in a worktree, the repository itself in a
  // checkout) read-only: a command that could rewrite it could give Mender's own git, run later
  // on the host, a configuration, attributes or hooks of its choosing (issue 12, finding 1).
  const dotGit = path.join(worktree, '.git');
  if (fs.existsSync(dotGit)) binds.push('--ro-bind', dotGit, dotGit);
  // Hidden folders inside the worktree (Mender's data folder in a registered checkout) stay
  // hidden although the worktree is bound on top of them.
  for (const hidden of options.hiddenPaths ?? []) {
    if (!fs.existsSync(hidden)) continue;
    const real = fs.realpathSync(hidden);
    if (!real.startsWith(`${worktree}${path.sep}`)) continue;
    if (fs.statSync(real).isDirectory()) binds.push('--tmpfs', real);
    else binds.push('--ro-bind', '/dev/null', real);
  }
  for (const file of options.maskedFiles ?? []) binds.push('--ro-bind', '/dev/null', file);
  return [options.bwrapPath, ...isolationArguments, ...binds, '--chdir', worktree, '/bin/sh', '-c', command];
}

/** A command line for `/bin/sh -c` that replaces the shell with argv, so it keeps the shell's process group. */
export function toShellCommand(argv: string[]): string {
  return `exec ${argv.map(quoteShellArgument).join(' ')}`;
}

/**
 * Real paths of what a worktree links to outside itself and needs in order to run its tools:
 * its node_modules (a link to the checkout's) and its git repository (a worktree's `.git` file
 * names a folder inside the checkout's .git).
 */
export function linkedPaths(worktree: string): string[] {
  const root = fs.realpathSync(worktree);
  const found: string[] = [];
  const outside = (candidate: string) => candidate !== root && !candidate.startsWith(`${root}${path.sep}`);
  try {
    const modules = fs.realpathSync(path.join(root, 'node_modules'));
    if (outside(modules)) found.push(modules);
  } catch {
    // No node_modules.
  }
  try {
    const match = /^gitdir:\s*(.+?)\s*$/m.exec(fs.readFileSync(path.join(root, '.git'), 'utf8'));
    if (match?.[1]) {
      const gitDirectory = path.resolve(root, match[1]);
      let commonDirectory = gitDirectory;
      try {
        commonDirectory = path.resolve(gitDirectory, fs.readFileSync(path.join(gitDirectory, 'commondir'), 'utf8').trim());
      } catch {
        // A submodule's or separate git dir has no commondir: it is its own repository.
      }
      const real = fs.realpathSync(commonDirectory);
      if (outside(real)) found.push(real);
    }
  } catch {
    // .git is a folder (inside the worktree) or missing.
  }
  return found;
}

export interface SandboxTarget {
  worktree: string;
  writablePaths: string[];
  /** Folders to hide besides the checkout the worktree belongs to (e.g. Mender's data folder). */
  hiddenPaths?: string[];
  /** Secret files inside the worktree to replace with empty ones. */
  maskedFiles?: string[];
}

/**
 * The checkout a worktree belongs to (the folder holding the git common directory), hidden in
 * the sandbox: its untracked files (.env and the like) are not the change's business.
 */
function checkoutOf(linked: string[]): string[] {
  return linked.filter((folder) => path.basename(folder) === '.git').map((folder) => path.dirname(folder));
}

/**
 * The command line to hand to runCommand under these settings: wrapped in bubblewrap, or
 * unchanged after telling `onUnsandboxedRun` when the sandbox is off.
 * Throws SandboxUnavailableError when bubblewrap is wanted but cannot run here.
 */
export async function sandboxCommand(command: string, settings: SandboxSettings, target: SandboxTarget): Promise<string> {
  if (settings.mode === 'off') {
    settings.onUnsandboxedRun?.(command);
    return command;
  }
  const detection = await detectSandbox(settings.bwrapPath);
  if (!detection.available) throw new SandboxUnavailableError(detection.reason);
  const linked = linkedPaths(target.worktree);
  // The linked node_modules gets writable caches over read-only packages instead of a plain read-only bind.
  const nodeModules = linked.find((folder) => path.basename(folder) === 'node_modules');
  // Hiding a folder the worktree lives in is fine: the worktree is bound back on top of it.
  const hiddenPaths = [...checkoutOf(linked), ...(target.hiddenPaths ?? [])];
  // Node's own installation stays readable even if it lives in a hidden folder (nvm in a home).
  linked.push(path.dirname(path.dirname(fs.realpathSync(process.execPath))));
  linked.push(...linkedPackagesInTemporary(target.worktree));
  const argv = wrapCommand(command, {
    bwrapPath: detection.bwrapPath,
    worktree: target.worktree,
    writablePaths: target.writablePaths,
    readOnlyPaths: linked.filter((folder) => folder !== nodeModules),
    hiddenPaths,
    maskedFiles: target.maskedFiles,
    nodeModules,
  });
  return toShellCommand(argv);
}
