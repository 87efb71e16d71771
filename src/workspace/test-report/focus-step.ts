import { commandName } from './find-tool-invocation.ts';
import { quoteShellArgument } from './shell-command.ts';
import type { KnownRunner } from './step-reporters.ts';

/**
 * Options of each runner that take a value as the next word (`--rootDir test/jest`): needed to
 * tell a runner's file arguments from its options' values. Options written `--name=value`
 * carry their value themselves.
 */
const OPTIONS_WITH_VALUES: Record<KnownRunner, readonly string[]> = {
  vitest: [
    '-c',
    '--config',
    '-r',
    '--root',
    '--dir',
    '--project',
    '--environment',
    '--pool',
    '-t',
    '--testNamePattern',
    '--reporter',
    '--outputFile',
    '--mode',
    '--maxWorkers',
    '--minWorkers',
    '--shard',
    '--exclude',
    '--testTimeout',
    '--workspace',
    '--inspect',
  ],
  jest: [
    '-c',
    '--config',
    '--rootDir',
    '--roots',
    '--testPathPattern',
    '--testPathIgnorePatterns',
    '-t',
    '--testNamePattern',
    '-w',
    '--maxWorkers',
    '--selectProjects',
    '--reporters',
    '--testTimeout',
    '--env',
    '--testEnvironment',
    '--setupFiles',
    '--outputFile',
    '--shard',
    '--seed',
    '--coverageDirectory',
    '--collectCoverageFrom',
  ],
  mocha: [
    '-r',
    '--require',
    '-t',
    '--timeout',
    '-R',
    '--reporter',
    '-O',
    '--reporter-option',
    '--reporter-options',
    '-u',
    '--ui',
    '--config',
    '--package',
    '--extension',
    '--spec',
    '--ignore',
    '--exclude',
    '--file',
    '-g',
    '--grep',
    '-f',
    '--fgrep',
    '-s',
    '--slow',
    '--retries',
    '-j',
    '--jobs',
    '--import',
    '--loader',
    '-n',
    '--node-option',
  ],
  'node-test': [
    '--import',
    '-r',
    '--require',
    '--loader',
    '--experimental-loader',
    '--test-name-pattern',
    '--test-skip-pattern',
    '--test-reporter',
    '--test-reporter-destination',
    '--test-concurrency',
    '--test-timeout',
    '--env-file',
    '--conditions',
    '-C',
    '--experimental-test-coverage-include',
  ],
  tape: ['-r', '--require', '-i', '--ignore', '--ignore-pattern'],
  ava: ['-m', '--match', '--config', '-c', '--concurrency', '-T', '--timeout', '--node-arguments', '--tap-reporter'],
  tap: [
    '-R',
    '--reporter',
    '-t',
    '--timeout',
    '-j',
    '--jobs',
    '--node-arg',
    '--test-arg',
    '--test-env',
    '-o',
    '--output-file',
    '--coverage-report',
    '--include',
    '--exclude',
    '--grep',
    '-g',
    '--nyc-arg',
  ],
  jasmine: ['--config', '--reporter', '--require', '--helper', '--filter', '--seed'],
  // uvu's arguments are a folder and a pattern, not files: its steps run whole (see focusStep).
  uvu: [],
  playwright: [
    '-c',
    '--config',
    '--project',
    '-g',
    '--grep',
    '--grep-invert',
    '-j',
    '--workers',
    '--reporter',
    '--retries',
    '--timeout',
    '--shard',
    '--output',
    '--max-failures',
    '--repeat-each',
    '--global-timeout',
  ],
};

/** How a runner reads its file arguments: paths or globs, regular expressions (jest), substrings (vitest). */
type ArgumentKind = 'paths' | 'regex' | 'substring';
const ARGUMENT_KIND: Record<KnownRunner, ArgumentKind> = {
  vitest: 'substring',
  jest: 'regex',
  mocha: 'paths',
  'node-test': 'paths',
  tape: 'paths',
  ava: 'paths',
  tap: 'paths',
  jasmine: 'paths',
  uvu: 'paths',
  playwright: 'substring',
};

/** Words that are subcommands, not file arguments. */
const SUBCOMMANDS: Partial<Record<KnownRunner, readonly string[]>> = { vitest: ['run', 'watch', 'related', 'dev'], playwright: ['test'] };

export interface FocusedStep {
  /** The step's command with its file arguments replaced by the focused files. */
  command: string;
  files: string[];
}

/**
 * The step `words` (already known to start `runner`) run on `files` alone: its file arguments
 * (globs, folders, patterns) replaced by those of `files` they select, the rest of the command as
 * written. Without file arguments the runner's own configuration selects, and every file is
 * given. Undefined when the step selects none of `files`.
 */
export function focusStep(runner: KnownRunner, words: string[], files: readonly string[]): FocusedStep | undefined {
  // uvu takes a folder and a file-name pattern, or is node on one file: run as written, its
  // report still tells which failures are in the changed files.
  if (runner === 'uvu') return files.length > 0 ? { command: words.map(quoteShellArgument).join(' '), files: [...files] } : undefined;
  const runnerIndex = findRunnerWord(runner, words);
  const withValue = new Set(OPTIONS_WITH_VALUES[runner]);
  const subcommands = new Set(SUBCOMMANDS[runner] ?? []);
  const kept: string[] = [];
  const selectors: string[] = [];
  let afterDoubleDash = false;
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index] ?? '';
    if (index <= runnerIndex || afterDoubleDash) {
      kept.push(word);
      continue;
    }
    if (word === '--') {
      // What follows `--` goes to the tests themselves (tap, ava), not to file selection.
      afterDoubleDash = true;
      kept.push(word);
    } else if (word.startsWith('-')) {
      kept.push(word);
      if (!word.includes('=') && withValue.has(word) && index + 1 < words.length) kept.push(words[(index += 1)] ?? '');
    } else if (subcommands.has(word) && selectors.length === 0) {
      kept.push(word);
    } else {
      selectors.push(word);
    }
  }
  const selected = selectors.length === 0 ? [...files] : files.filter((file) => selectors.some((selector) => selects(ARGUMENT_KIND[runner], selector, file)));
  if (selected.length === 0) return undefined;
  const insertAt = afterDoubleDash ? kept.indexOf('--') : kept.length;
  const focused = [...kept.slice(0, insertAt), ...selected, ...kept.slice(insertAt)];
  return { command: focused.map(quoteShellArgument).join(' '), files: selected };
}

function findRunnerWord(runner: KnownRunner, words: string[]): number {
  const names: Record<KnownRunner, readonly string[]> = {
    vitest: ['vitest'],
    jest: ['jest'],
    mocha: ['mocha', '_mocha'],
    'node-test': ['--test'],
    tape: ['tape'],
    ava: ['ava'],
    tap: ['tap'],
    jasmine: ['jasmine'],
    uvu: ['uvu'],
    playwright: ['playwright'],
  };
  const index = words.findIndex((word) => names[runner].includes(runner === 'node-test' ? word : commandName(word)));
  return index < 0 ? words.length - 1 : index;
}

/** Whether a runner's file argument `selector` picks `file` (both relative to the package folder). */
function selects(kind: ArgumentKind, selector: string, file: string): boolean {
  if (kind === 'substring') return file.includes(selector.replace(/^\.\//, ''));
  if (kind === 'regex') {
    try {
      return new RegExp(selector).test(file);
    } catch {
      return file.includes(selector);
    }
  }
  const pattern = selector.replace(/^\.\//, '');
  if (/[*?{[]/.test(pattern)) return globToRegExp(pattern).test(file);
  // A folder selects what is under it; a file itself.
  const folder = pattern.replace(/\/$/, '');
  return file === folder || file.startsWith(`${folder}/`);
}

/** `test/**\/*.js`, `test/*.{js,mjs}`: `**` crosses folders, `*` and `?` stay within one. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let index = 0; index < glob.length; index += 1) {
    const character = glob[index] ?? '';
    if (character === '*' && glob[index + 1] === '*') {
      // `**/` also matches no folder at all.
      const slash = glob[index + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      index += slash ? 2 : 1;
    } else if (character === '*') source += '[^/]*';
    else if (character === '?') source += '[^/]';
    else if (character === '{') {
      const close = glob.indexOf('}', index);
      if (close < 0) source += '\\{';
      else {
        source += `(?:${glob
          .slice(index + 1, close)
          .split(',')
          .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
          .join('|')})`;
        index = close;
      }
    } else source += character.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * Tools that only check (lint, format, type tests, bundle size, coverage thresholds): red on the
 * new tests does not need them, so a focused run leaves them out. Anything else before a runner
 * (a build, a code generator) is kept.
 */
export function isCheckOnlyStep(words: string[]): boolean {
  const name = commandName(words[0] ?? '');
  if (CHECK_ONLY_TOOLS.has(name)) return true;
  if ((name === 'tsc' || name === 'vue-tsc') && words.some((word) => word === '--noEmit' || word === '--noemit')) return true;
  if ((name === 'c8' || name === 'nyc') && (words[1] === 'check-coverage' || words[1] === 'report')) return true;
  return false;
}

const CHECK_ONLY_TOOLS = new Set([
  'eslint',
  'prettier',
  'standard',
  'xo',
  'biome',
  'dprint',
  'stylelint',
  'markdownlint',
  'markdownlint-cli2',
  'tsd',
  'tstyche',
  'attw',
  'publint',
  'size-limit',
  'bundlesize',
  'depcheck',
  'knip',
  'type-coverage',
  'check-dts',
  'dtslint',
  'madge',
  'lint-staged',
  'oxlint',
]);
