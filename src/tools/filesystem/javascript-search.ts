import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { looksBinary, readRegularFile } from './file-access.ts';
import { splitLines } from './numbered-lines.ts';
import { shortenMatchText } from './search-match.ts';
import type { SearchMatch, SearchOutcome, SearchRequest } from './search-match.ts';

/** Only this much of a line is tested, which bounds the cost of a pathological pattern. */
const maxTestedLineLength = 10_000;
const skippedFolders = new Set(['.git', 'node_modules']);

function byName(left: { name: string }, right: { name: string }): number {
  return left.name < right.name ? -1 : left.name > right.name ? 1 : 0;
}

/**
 * The fallback when ripgrep is not installed: a JavaScript regular expression over every regular
 * file under the folder, depth first in name order. Unlike ripgrep it does not read .gitignore; it
 * skips .git, node_modules, denied paths, links, binary files and files over the read limit.
 */
export async function searchWithJavaScript(request: SearchRequest): Promise<SearchOutcome> {
  let expression: RegExp;
  try {
    expression = new RegExp(request.pattern);
  } catch (error) {
    return { ok: false, code: 'invalid_arguments', message: `invalid regular expression: ${(error as Error).message}` };
  }
  const { policy } = request;
  const matches: SearchMatch[] = [];

  async function visit(absolute: string, relative: string): Promise<'limit' | 'cancelled' | undefined> {
    if (request.signal.aborted) return 'cancelled';
    let children;
    try {
      children = await readdir(absolute, { withFileTypes: true });
    } catch {
      return undefined;
    }
    for (const child of children.sort(byName)) {
      const childRelative = relative === '.' ? child.name : `${relative}/${child.name}`;
      if (skippedFolders.has(child.name) || policy.isDenied(childRelative)) continue;
      const childAbsolute = path.join(absolute, child.name);
      if (child.isDirectory()) {
        const stopped = await visit(childAbsolute, childRelative);
        if (stopped) return stopped;
        continue;
      }
      if (!child.isFile()) continue;
      let read;
      try {
        read = await readRegularFile(childAbsolute, childRelative, policy.maxReadBytes);
      } catch {
        continue;
      }
      if (!read.ok || looksBinary(read.content)) continue;
      const { lines } = splitLines(read.content.toString('utf8'));
      for (let index = 0; index < lines.length; index += 1) {
        const line = lines[index]!;
        if (!expression.test(line.slice(0, maxTestedLineLength))) continue;
        if (matches.length >= request.maxMatches) return 'limit';
        matches.push({ path: childRelative, line: index + 1, text: shortenMatchText(line) });
      }
    }
    return undefined;
  }

  const stopped = await visit(request.directory.absolute, request.directory.relative);
  if (stopped === 'cancelled') return { ok: false, code: 'cancelled', message: 'the operation was cancelled' };
  return { ok: true, matches, truncated: stopped === 'limit' };
}
