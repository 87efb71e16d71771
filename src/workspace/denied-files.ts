import fs from 'node:fs';
import path from 'node:path';

const skippedFolders = new Set(['node_modules', '.git']);

/**
 * Regular files in a worktree that the deny list covers, for the sandbox to mask: a test the
 * coder writes must not read what the coder's own tools may not. Links are not followed.
 */
export function findDeniedFiles(root: string, isDenied: (relativePath: string) => boolean, limit = 50_000): string[] {
  const found: string[] = [];
  let seen = 0;
  const walk = (folder: string, relative: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (++seen > limit) return;
      // A worktree's `.git` is a file naming its git folder: no secret, bound read-only by the
      // sandbox, and masking it would leave the repository's tests without git.
      if (entry.name === '.git') continue;
      const childRelative = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!skippedFolders.has(entry.name)) walk(path.join(folder, entry.name), childRelative);
      } else if (entry.isFile() && isDenied(childRelative)) {
        found.push(path.join(folder, entry.name));
      }
    }
  };
  walk(root, '');
  return found;
}
