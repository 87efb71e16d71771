import fs from 'node:fs';
import path from 'node:path';

/** `**` is not followed deeper than this, so a stray pattern cannot walk a whole disk. */
const MAXIMUM_DEPTH = 12;

/**
 * Expands workspace patterns (`packages/*`, `apps/**`, `libs/one`, `!packages/legacy`) into the
 * folders they match, relative to `root`, sorted. `*` and `?` match within one folder name, `**`
 * any number of folders; node_modules and dot folders are never entered. Later `!` patterns
 * remove what earlier ones matched, as npm and pnpm do.
 */
export function expandWorkspacePatterns(root: string, patterns: string[]): string[] {
  const matched = new Set<string>();
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    const parts = normalizePattern(negated ? pattern.slice(1) : pattern);
    if (parts === undefined) continue;
    const found = new Set<string>();
    walk(root, '', parts, 0, found);
    for (const directory of found) {
      if (negated) matched.delete(directory);
      else matched.add(directory);
    }
  }
  return [...matched].sort();
}

/** Pattern parts without `./`, empty parts or a trailing `/`; undefined when it leaves the root. */
function normalizePattern(pattern: string): string[] | undefined {
  const parts = pattern
    .replace(/\\/g, '/')
    .split('/')
    .filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return parts;
}

function walk(root: string, directory: string, parts: string[], index: number, found: Set<string>): void {
  if (index === parts.length) {
    if (directory !== '') found.add(directory);
    return;
  }
  const part = parts[index] ?? '';
  if (part === '**') {
    walk(root, directory, parts, index + 1, found);
    if (directory.split('/').length > MAXIMUM_DEPTH) return;
    for (const child of childFolders(root, directory)) walk(root, join(directory, child), parts, index, found);
    return;
  }
  if (!/[*?]/.test(part)) {
    if (isFolder(path.join(root, directory, part))) walk(root, join(directory, part), parts, index + 1, found);
    return;
  }
  const expression = new RegExp(
    `^${part
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}$`,
  );
  for (const child of childFolders(root, directory)) {
    if (expression.test(child)) walk(root, join(directory, child), parts, index + 1, found);
  }
}

function childFolders(root: string, directory: string): string[] {
  try {
    return fs
      .readdirSync(path.join(root, directory), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.'))
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

function isFolder(folder: string): boolean {
  try {
    return fs.statSync(folder).isDirectory();
  } catch {
    return false;
  }
}

function join(directory: string, child: string): string {
  return directory === '' ? child : `${directory}/${child}`;
}
