import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * What a folder holds, entry by entry, without following symbolic links and without opening
 * FIFOs (which would block): type, permissions, inode and link count, and for regular files
 * their size, modification time and content hash; for links their target.
 */
export type TreeSnapshot = Map<string, string>;

function describe(absolute: string, stats: fs.Stats): string {
  const common = `mode=${stats.mode.toString(8)}`;
  if (stats.isSymbolicLink()) return `link ${common} -> ${fs.readlinkSync(absolute)}`;
  if (stats.isDirectory()) return `directory ${common}`;
  if (stats.isFIFO()) return `fifo ${common} inode=${stats.ino}`;
  if (stats.isFile()) {
    const hash = crypto.createHash('sha256').update(fs.readFileSync(absolute)).digest('hex');
    return `file ${common} inode=${stats.ino} links=${stats.nlink} size=${stats.size} modified=${stats.mtimeMs} sha256=${hash}`;
  }
  return `other ${common}`;
}

/** Snapshots every entry under `folder`, keyed by its path relative to `folder` (forward slashes). */
export function snapshotTree(folder: string): TreeSnapshot {
  const snapshot: TreeSnapshot = new Map();
  const visit = (absolute: string, relative: string) => {
    const stats = fs.lstatSync(absolute);
    snapshot.set(relative, describe(absolute, stats));
    if (!stats.isDirectory()) return;
    for (const name of fs.readdirSync(absolute).sort()) visit(path.join(absolute, name), relative === '.' ? name : `${relative}/${name}`);
  };
  visit(folder, '.');
  return snapshot;
}

/** Entries added, removed or changed between two snapshots, with what they were and became. */
export function compareSnapshots(before: TreeSnapshot, after: TreeSnapshot): { path: string; before?: string; after?: string }[] {
  const changes: { path: string; before?: string; after?: string }[] = [];
  for (const [entry, description] of before) {
    const now = after.get(entry);
    if (now !== description) changes.push({ path: entry, before: description, after: now });
  }
  for (const [entry, description] of after) if (!before.has(entry)) changes.push({ path: entry, after: description });
  return changes;
}
