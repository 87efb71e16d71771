import fs from 'node:fs';
import path from 'node:path';
import { runGit } from '../workspace/git.ts';

const sourceExtensions = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|py|go|rb|java|kt|rs)$/;
const exportPattern = /^\s*export\s+(?:default\s+)?(?:async\s+)?(?:function\*?|class|const|let|var|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm;
const pythonPattern = /^(?:def|class)\s+([A-Za-z_]\w*)/gm;

export interface RepoMapOptions {
  root: string;
  /** About four characters a token. */
  tokenBudget: number;
  /** Files named in a stack trace or the task: listed first, with their symbols. */
  priorityFiles: string[];
  isHidden: (relativePath: string) => boolean;
}

/** A file tree with exported symbols, trimmed to a token budget, most relevant files first. */
export async function buildRepoMap(options: RepoMapOptions): Promise<string> {
  const listed = await runGit(options.root, ['ls-files', '--cached', '--others', '--exclude-standard']);
  const files = listed.stdout.split('\n').filter((file) => file && !options.isHidden(file) && !file.startsWith('node_modules/'));
  const priority = new Set(options.priorityFiles.filter((file) => files.includes(file)));
  const ordered = [...priority, ...files.filter((file) => !priority.has(file))];
  const budget = options.tokenBudget * 4;
  const lines: string[] = [];
  let used = 0;
  let omitted = 0;
  for (const file of ordered) {
    const line = `${file}${symbolsOf(options.root, file)}`;
    if (used + line.length + 1 > budget) {
      omitted += 1;
      continue;
    }
    lines.push(line);
    used += line.length + 1;
  }
  if (omitted > 0) lines.push(`[… ${omitted} more files not shown; use filesystem__listDirectory and filesystem__searchFiles]`);
  return lines.join('\n');
}

function symbolsOf(root: string, file: string): string {
  if (!sourceExtensions.test(file)) return '';
  const absolute = path.join(root, file);
  let text: string;
  try {
    const stat = fs.lstatSync(absolute);
    if (!stat.isFile() || stat.size > 200_000) return '';
    text = fs.readFileSync(absolute, 'utf8');
  } catch {
    return '';
  }
  const pattern = file.endsWith('.py') ? pythonPattern : exportPattern;
  const names = new Set<string>();
  for (const match of text.matchAll(pattern)) if (match[1]) names.add(match[1]);
  return names.size ? `: ${[...names].slice(0, 20).join(', ')}` : '';
}

/** Repository-relative files named in a stack trace or message (`src/auth.ts:45`, `at f (/abs/src/x.js:2:3)`). */
export function filesNamedIn(text: string, root: string): string[] {
  const found = new Set<string>();
  const pattern = /((?:[A-Za-z]:)?[\w./@-]*[\w-]+\.(?:ts|tsx|mts|cts|js|jsx|mjs|cjs|py|go|rb|java|rs))(?::\d+)?/g;
  for (const match of text.matchAll(pattern)) {
    let file = match[1] ?? '';
    if (file.startsWith('file://')) file = file.slice('file://'.length);
    if (path.isAbsolute(file)) {
      const relative = path.relative(root, file);
      if (relative.startsWith('..')) continue;
      file = relative;
    }
    found.add(file.replace(/^\.\//, ''));
  }
  return [...found];
}
