import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Where tools write outside the worktree, made writable per run without touching the shared
 * checkout. Found by running real commands under the sandbox (bubblewrap 0.8, Debian 12):
 * - A worktree's node_modules is a link to the checkout's, bound read-only, so every cache a
 *   tool keeps under `node_modules/.cache` (babel, ava, nyc under tap, eslint-plugin caches,
 *   terser/webpack) or `node_modules/.vite` fails with EROFS, and bwrap cannot even create a
 *   mount point there (`Can't mkdir …/node_modules/.cache: Read-only file system`).
 *   bubblewrap 0.8 has no `--overlay` (that came in 0.9), so the folder is rebuilt instead: a
 *   tmpfs at its real path, every entry of the checkout's bound back read-only (symlinks kept as
 *   symlinks, which pnpm's layout relies on), and new entries (.cache, .vite) land in the tmpfs.
 * - HOME and TMPDIR are already a fresh folder per run; XDG_CACHE_HOME is set inside it so
 *   tools that honour it do not fall back to a host-wide place.
 * - PATH must hold the node Mender runs on (and npm beside it) even when Mender was started
 *   with a narrow PATH by a service manager, plus the system folders where git lives.
 */

/**
 * Entries of the checkout's node_modules that are caches: each run starts them empty and writable.
 * `.vite-temp` is where vitest bundles its config file (vitest.config.ts) before loading it; a run
 * of the suite in the checkout leaves the folder behind.
 */
const cacheEntries = new Set(['.cache', '.vite', '.vite-temp']);

/**
 * bwrap arguments that give `nodeModules` (a real path outside the worktree) a writable,
 * per-run top level over read-only packages. To be placed after the checkout is hidden.
 */
export function nodeModulesScratchBinds(nodeModules: string): string[] {
  const binds = ['--tmpfs', nodeModules];
  for (const entry of fs.readdirSync(nodeModules, { withFileTypes: true })) {
    const source = path.join(nodeModules, entry.name);
    if (cacheEntries.has(entry.name)) {
      // Left by the checkout's own runs: an empty folder in the tmpfs, not its contents.
      if (entry.isDirectory()) binds.push('--dir', source);
      continue;
    }
    if (entry.isSymbolicLink()) binds.push('--symlink', fs.readlinkSync(source), source);
    else binds.push('--ro-bind', source, source);
  }
  return binds;
}

/** The cache and config variables for a command whose HOME is `home`, a fresh folder of the run. */
export function scratchEnvironment(home: string): Record<string, string> {
  return { XDG_CACHE_HOME: path.join(home, '.cache'), XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share') };
}

const systemFolders = ['/usr/local/bin', '/usr/bin', '/bin'];

/**
 * `base` as the suite would find it outside, then the running node's folder and the system
 * folders (git, sh) where they are missing, each once.
 */
export function commandPath(base: string | undefined): string {
  const folders = [...(base ?? '').split(path.delimiter), path.dirname(process.execPath), ...systemFolders].filter((folder) => folder !== '');
  return [...new Set(folders)].join(path.delimiter);
}

const temporaryRoot = fs.realpathSync(os.tmpdir());

function isInside(candidate: string, folder: string): boolean {
  return candidate === folder || candidate.startsWith(`${folder}${path.sep}`);
}

/** The node_modules folder a linked package lies in, where its own dependencies are; the package itself when it lies in none. */
function packageRoot(target: string): string {
  const parts = target.split(path.sep);
  const index = parts.lastIndexOf('node_modules');
  return index > 0 ? parts.slice(0, index + 1).join(path.sep) : target;
}

/**
 * Folders under /tmp that packages of `worktree`'s node_modules link to (npm link, a package
 * store, a checkout that itself lives in /tmp). The sandbox's /tmp is an empty one of its own, so
 * such links would dangle inside ("vitest: not found"); they are bound back read-only, with the
 * node_modules they lie in (their own dependencies). Top-level
 * entries and those of @scope folders are looked at, as Node resolves packages there.
 */
export function linkedPackagesInTemporary(worktree: string): string[] {
  let modules: string;
  try {
    modules = fs.realpathSync(path.join(worktree, 'node_modules'));
  } catch {
    return [];
  }
  const found = new Set<string>();
  const look = (folder: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const entryPath = path.join(folder, entry.name);
      if (entry.isDirectory() && depth === 0 && entry.name.startsWith('@')) look(entryPath, 1);
      if (!entry.isSymbolicLink()) continue;
      let target: string;
      try {
        target = fs.realpathSync(entryPath);
      } catch {
        continue; // dangling outside too
      }
      if (isInside(target, temporaryRoot) && !isInside(target, modules)) found.add(packageRoot(target));
    }
  };
  look(modules, 0);
  return [...found];
}
