import path from 'node:path';
import { splitShellCommand } from './shell-command.ts';

/** Where a tool is started by a command, possibly through package.json scripts. */
export interface ToolInvocation<Tool> {
  tool: Tool;
  /** Offset in the original command where extra arguments go (end of the simple command). */
  insertAt: number;
  /** Words to put before the extra arguments so they reach the tool: one `--` per npm hop. */
  separators: string[];
  /** False when appended arguments would reach another program (the tool is not a script's last command). */
  argumentsReachTool: boolean;
  /** Words of the simple command that starts the tool, to see which flags it already has. */
  toolTokens: string[];
}

/** Recognizes the tool in one simple command's words, if any. */
export type ToolIdentifier<Tool> = (words: string[]) => Tool | undefined;

interface Resolution<Tool> {
  tool: Tool;
  separators: string[];
  argumentsReachTool: boolean;
  toolTokens: string[];
}

/** How deep `npm run a` → `npm run b` → … is followed before giving up (also stops cycles). */
const MAXIMUM_SCRIPT_DEPTH = 8;

/**
 * Finds the first simple command of `command` that starts the tool, directly or by running a
 * package.json script (`npm test`, `npm run x`, `pnpm x`, `yarn x`), and says how to append
 * arguments that reach it.
 */
export function findToolInvocation<Tool>(command: string, scripts: Record<string, string>, identify: ToolIdentifier<Tool>): ToolInvocation<Tool> | undefined {
  for (const segment of splitShellCommand(command)) {
    const resolution = resolveWords(segment.tokens, scripts, identify, 0);
    if (resolution !== undefined) return { ...resolution, insertAt: segment.end };
  }
  return undefined;
}

function resolveWords<Tool>(tokens: string[], scripts: Record<string, string>, identify: ToolIdentifier<Tool>, depth: number): Resolution<Tool> | undefined {
  const words = withoutEnvironmentAssignments(tokens);
  const reference = scriptReference(words, scripts);
  const script = reference === undefined ? undefined : scripts[reference.name];
  if (reference !== undefined && script !== undefined && depth < MAXIMUM_SCRIPT_DEPTH) {
    const inner = resolveScript(script, scripts, identify, depth + 1);
    if (inner === undefined) return undefined;
    // npm reads arguments before `--` as its own options; pnpm and yarn pass them on.
    const needsSeparator = reference.manager === 'npm' && !words.includes('--');
    return { ...inner, separators: [...(needsSeparator ? ['--'] : []), ...inner.separators] };
  }
  const tool = identify(words);
  if (tool === undefined) return undefined;
  return { tool, separators: [], argumentsReachTool: true, toolTokens: words };
}

function resolveScript<Tool>(script: string, scripts: Record<string, string>, identify: ToolIdentifier<Tool>, depth: number): Resolution<Tool> | undefined {
  const segments = splitShellCommand(script);
  for (const [index, segment] of segments.entries()) {
    const resolution = resolveWords(segment.tokens, scripts, identify, depth);
    if (resolution === undefined) continue;
    // Package managers append arguments to the end of the script: only its last command gets them.
    const isLast = index === segments.length - 1;
    return { ...resolution, argumentsReachTool: resolution.argumentsReachTool && isLast };
  }
  return undefined;
}

function withoutEnvironmentAssignments(tokens: string[]): string[] {
  let start = 0;
  while (start < tokens.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(tokens[start] ?? '')) start += 1;
  return tokens.slice(start);
}

type PackageManager = 'npm' | 'pnpm' | 'yarn';

/** Options of package managers that take a value, so the value is not read as a script name. */
const OPTIONS_WITH_VALUES = new Set(['--prefix', '-C', '--dir', '--filter', '-F', '--workspace', '-w', '--cwd']);

/** `npm test`, `npm run x`, `pnpm x`, `yarn run x`… → the script that runs, if it exists. */
export function scriptReference(words: string[], scripts: Record<string, string>): { manager: PackageManager; name: string } | undefined {
  const manager = commandName(words[0] ?? '');
  if (manager !== 'npm' && manager !== 'pnpm' && manager !== 'yarn') return undefined;
  const rest = withoutOptions(words.slice(1));
  const [first, second] = rest;
  if (first === undefined) return undefined;
  if (first === 'test' || first === 't' || first === 'tst') return { manager, name: 'test' };
  if (first === 'run' || first === 'run-script' || first === 'rum' || first === 'urn') {
    return second === undefined ? undefined : { manager, name: second };
  }
  // pnpm and yarn run a script named directly (`pnpm lint`); npm does not.
  if (manager !== 'npm' && Object.hasOwn(scripts, first)) return { manager, name: first };
  return undefined;
}

function withoutOptions(words: string[]): string[] {
  const result: string[] = [];
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index] ?? '';
    if (word === '--') break;
    if (word.startsWith('-')) {
      if (OPTIONS_WITH_VALUES.has(word)) index += 1;
      continue;
    }
    result.push(word);
  }
  return result;
}

/** The program a word names: `./node_modules/.bin/jest` → `jest`, `vitest@3` → `vitest`. */
export function commandName(word: string): string {
  const base = path.posix.basename(word.replace(/\\/g, '/'));
  const withoutVersion = base.startsWith('@') ? base : base.replace(/@.*$/, '');
  return withoutVersion.replace(/\.(cmd|exe)$/i, '');
}
