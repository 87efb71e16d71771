import { commandName } from './find-tool-invocation.ts';

/** A package manager (or lerna) command that runs one script in workspace packages. */
export interface WorkspaceDelegation {
  /** The script each selected package runs. */
  script: string;
  /** Arguments handed to each package's script. */
  extraArguments: string[];
  /** How each package's script is run (which hooks): lerna runs npm's way. */
  manager: 'npm' | 'pnpm' | 'yarn';
  /** Package names, name globs (`@x/*`) or folders (`./packages/a`); empty: every package. */
  include: string[];
  exclude: string[];
}

export type DelegationReading = WorkspaceDelegation | { refused: string } | undefined;

// Built-in commands that take the place of a script name: `pnpm -r exec tsc` runs no script.
const BUILT_IN_COMMANDS = new Set([
  'exec',
  'install',
  'i',
  'ci',
  'add',
  'remove',
  'rm',
  'uninstall',
  'update',
  'up',
  'upgrade',
  'publish',
  'list',
  'ls',
  'why',
  'outdated',
  'rebuild',
  'rb',
  'dlx',
  'create',
  'audit',
  'link',
  'unlink',
  'prune',
  'store',
  'deploy',
  'pack',
  'import',
  'fetch',
  'patch',
  'env',
  'config',
  'root',
  'bin',
  'init',
  'info',
  'version',
  'npm',
  'node',
  'plugin',
  'constraints',
  'dedupe',
  'explain',
]);

/**
 * Recognizes `npm test --workspaces`, `pnpm -r test`, `yarn workspaces run test`, `lerna run
 * test`… in one simple command's words. `{ refused }` says why a workspace runner is not followed;
 * undefined: the words run no workspace script.
 */
export function readWorkspaceDelegation(words: string[]): DelegationReading {
  const [first = '', ...rest] = words;
  const launched = commandName(first) === 'npx' && rest[0] !== undefined && !rest[0].startsWith('-');
  const name = commandName(launched ? (rest[0] ?? '') : first);
  const args = launched ? rest.slice(1) : rest;
  switch (name) {
    case 'npm':
      return launched ? undefined : readNpm(args);
    case 'pnpm':
      return launched ? undefined : readPnpm(args);
    case 'yarn':
      return launched ? undefined : readYarn(args);
    case 'lerna':
      return readLerna(args);
    case 'turbo':
      return { refused: "turbo decides what runs from turbo.json (a task's dependsOn, often ^build, and its cache): not followed" };
    case 'nx':
      return { refused: 'nx runs targets from project.json and nx.json, not only package scripts: not followed' };
    default:
      return undefined;
  }
}

function readNpm(args: string[]): DelegationReading {
  const { before, after } = splitAtSeparator(args);
  const include: string[] = [];
  const positional: string[] = [];
  let every = false;
  let withRoot: string | undefined;
  for (let index = 0; index < before.length; index += 1) {
    const word = before[index] ?? '';
    if (word === '--workspaces' || word === '-ws' || word === '--workspaces=true') every = true;
    else if (word === '--workspace' || word === '-w') include.push(before[(index += 1)] ?? '');
    else if (word.startsWith('--workspace=')) include.push(word.slice('--workspace='.length));
    else if (word === '--include-workspace-root' || word === '-iwr') withRoot = word;
    else if (!word.startsWith('-')) positional.push(word);
  }
  if (!every && include.length === 0) return undefined;
  const [command, scriptName] = positional;
  const script =
    command === 'test' || command === 't' || command === 'tst' ? 'test' : ['run', 'run-script', 'rum', 'urn'].includes(command ?? '') ? scriptName : undefined;
  if (script === undefined) return undefined;
  if (withRoot !== undefined) return { refused: `${withRoot} also runs the root package's own script, which is not followed` };
  return { script, extraArguments: after, manager: 'npm', include: every ? [] : include, exclude: [] };
}

function readPnpm(args: string[]): DelegationReading {
  const include: string[] = [];
  const exclude: string[] = [];
  let recursive = false;
  let unfollowed: string | undefined;
  const addFilter = (selector: string): void => {
    // `...x`, `x...`, `^...`, `[ref]` select by the dependency graph or by git: not read here.
    if (/\.\.\.|\^|\[/.test(selector)) unfollowed ??= selector;
    else if (selector.startsWith('!')) exclude.push(selector.slice(1));
    else include.push(selector);
  };
  let index = 0;
  for (; index < args.length; index += 1) {
    const word = args[index] ?? '';
    if (!word.startsWith('-')) break;
    if (word === '-r' || word === '--recursive') recursive = true;
    else if (word === '--filter' || word === '-F') addFilter(args[(index += 1)] ?? '');
    else if (word.startsWith('--filter=')) addFilter(word.slice('--filter='.length));
    else if (word === '-w' || word === '--workspace-root') return undefined;
    else if (word === '-C' || word === '--dir' || word === '--workspace-concurrency') index += 1;
  }
  if (!recursive && include.length === 0 && exclude.length === 0 && unfollowed === undefined) return undefined;
  const named = scriptAfter(args, index);
  if (named === undefined) return undefined;
  if (unfollowed !== undefined) return { refused: `pnpm filter ${unfollowed} selects packages by their dependencies or by git changes, which is not followed` };
  return { ...named, manager: 'pnpm', include, exclude };
}

function readYarn(args: string[]): DelegationReading {
  if (args[0] === 'workspaces' && args[1] === 'run') {
    // yarn 1: every workspace, in the order yarn lists them.
    const named = scriptAfter(args, 1);
    return named === undefined ? undefined : { ...named, manager: 'yarn', include: [], exclude: [] };
  }
  if (args[0] === 'workspaces' && args[1] === 'foreach') {
    const include: string[] = [];
    const exclude: string[] = [];
    let index = 2;
    for (; index < args.length; index += 1) {
      const word = args[index] ?? '';
      if (!word.startsWith('-')) break;
      if (word === '--include') include.push(args[(index += 1)] ?? '');
      else if (word.startsWith('--include=')) include.push(word.slice('--include='.length));
      else if (word === '--exclude') exclude.push(args[(index += 1)] ?? '');
      else if (word.startsWith('--exclude=')) exclude.push(word.slice('--exclude='.length));
      else if (word === '-j' || word === '--jobs' || word === '--from') index += 1;
    }
    const named = scriptAfter(args, index);
    return named === undefined ? undefined : { ...named, manager: 'yarn', include, exclude };
  }
  if (args[0] === 'workspace' && args[1] !== undefined) {
    const named = scriptAfter(args, 2);
    return named === undefined ? undefined : { ...named, manager: 'yarn', include: [args[1]], exclude: [] };
  }
  return undefined;
}

function readLerna(args: string[]): DelegationReading {
  if (args[0] !== 'run') return undefined;
  const { before, after } = splitAtSeparator(args.slice(1));
  const include: string[] = [];
  const exclude: string[] = [];
  let script: string | undefined;
  for (let index = 0; index < before.length; index += 1) {
    const word = before[index] ?? '';
    if (word === '--scope') include.push(before[(index += 1)] ?? '');
    else if (word.startsWith('--scope=')) include.push(word.slice('--scope='.length));
    else if (word === '--ignore') exclude.push(before[(index += 1)] ?? '');
    else if (word.startsWith('--ignore=')) exclude.push(word.slice('--ignore='.length));
    else if (word === '--concurrency' || word === '--since') index += 1;
    else if (!word.startsWith('-')) script ??= word;
  }
  return script === undefined ? undefined : { script, extraArguments: after, manager: 'npm', include, exclude };
}

/** The script named at `index` (`run x`, `test`, `x`) and the arguments after it, as pnpm and yarn pass them. */
function scriptAfter(args: string[], index: number): { script: string; extraArguments: string[] } | undefined {
  let word = args[index];
  let next = index + 1;
  if (word === 'run' || word === 'run-script') {
    word = args[index + 1];
    next = index + 2;
  }
  if (word === undefined || word.startsWith('-') || BUILT_IN_COMMANDS.has(word)) return undefined;
  const rest = args.slice(next);
  return { script: word === 't' || word === 'tst' ? 'test' : word, extraArguments: rest[0] === '--' ? rest.slice(1) : rest };
}

function splitAtSeparator(args: string[]): { before: string[]; after: string[] } {
  const separator = args.indexOf('--');
  return separator < 0 ? { before: args, after: [] } : { before: args.slice(0, separator), after: args.slice(separator + 1) };
}
