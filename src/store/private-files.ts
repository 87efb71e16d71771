import fs from 'node:fs';
import path from 'node:path';

/**
 * Mender's data (database files, token hashes, ingested events, the audit log) is for Mender's
 * own user only: folders 0700, files 0600. PGlite does not honour the process umask for all its
 * files (it chmods the files of a new cluster to 0666 and writes pg_internal.init 0644), so the
 * tree is tightened by walking it.
 */
export const privateFolderMode = 0o700;
export const privateFileMode = 0o600;

/** Creates `folder` (and missing parents) 0700, or tightens it to 0700 when it exists. */
export function ensurePrivateFolder(folder: string): void {
  fs.mkdirSync(folder, { recursive: true, mode: privateFolderMode });
  tightenOne(folder, fs.lstatSync(folder));
}

/**
 * Removes every group and other permission bit under `root` (root included); symbolic links are
 * left alone (their targets are not ours). Returns how many entries were changed.
 */
export function tightenTree(root: string): number {
  let changed = 0;
  const walk = (entry: string) => {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(entry);
    } catch {
      return; // removed while we walked (a temporary file)
    }
    if (stat.isSymbolicLink()) return;
    if (tightenOne(entry, stat)) changed += 1;
    if (stat.isDirectory()) for (const name of fs.readdirSync(entry)) walk(path.join(entry, name));
  };
  walk(root);
  return changed;
}

function tightenOne(entry: string, stat: fs.Stats): boolean {
  if ((stat.mode & 0o077) === 0) return false;
  try {
    fs.chmodSync(entry, stat.mode & 0o700);
    return true;
  } catch {
    return false; // removed while we walked
  }
}
