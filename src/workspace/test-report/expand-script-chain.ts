import path from 'node:path';
import { commandName, scriptReference } from './find-tool-invocation.ts';
import { quoteShellArgument, splitShellCommand, type ShellSegment } from './shell-command.ts';
import { focusStep, isCheckOnlyStep } from './focus-step.ts';
import { identifyStepRunner, withStepReporter } from './step-reporters.ts';
import type { TestRunner } from './types.ts';

/** One runner invocation (or an unreachable part) of a test command, as Mender planned it. */
export interface PlannedStep {
  /** The simple command as the repository wrote it. */
  command: string;
  /** Scripts followed to reach it, outermost first (`['test', 'test:unit']`). */
  scripts: string[];
  runner: TestRunner;
  /** Where the runner writes its report; absent when the step is read from the exit code. */
  reportFile?: string;
  /** Why this step's result can only come from the exit code. */
  fallbackReason?: string;
  /** The workspace package folder it runs in (relative to the root): its report's paths start there. */
  directory?: string;
}

export interface ChainPlan {
  /** The shell command that runs the same steps as the package manager would. */
  command: string;
  steps: PlannedStep[];
  /** With a focus: the position (in visiting order) of the last simple command that runs focused tests. */
  lastFocusedSegment?: number;
}

/** Runs the chain on some test files only (see focus-test-chain.ts). */
export interface ChainFocus {
  files: readonly string[];
  /** Which of `files` a step (as written, and the scripts reaching it) should run; all of them when absent. */
  filesFor?: (command: string, scripts: string[]) => readonly string[] | undefined;
  /** Simple commands after this position are left out (nothing after the last focused runner is needed). */
  keepThrough?: number;
}

export interface PackageManifest {
  scripts: Record<string, string>;
  /** Names in dependencies and devDependencies. */
  dependencies?: string[];
  name?: string;
  version?: string;
}

/**
 * Plans a command that runs a script in workspace packages (`npm test -ws`, `pnpm -r test`), or
 * says why it cannot; undefined when the words are no such command or there are no workspaces.
 */
export type FollowWorkspaces = (words: string[], scripts: string[], reportFolder: string) => ChainPlan | string | undefined;

/** How deep `npm run a` → `npm run b` → … is followed before giving up (also stops cycles). */
const MAXIMUM_SCRIPT_DEPTH = 8;
const RUN_ALL_TOOLS = new Set(['run-s', 'run-p', 'npm-run-all', 'npm-run-all2']);
const WORKSPACE_OPTIONS = new Set(['--prefix', '-C', '--dir', '--filter', '-F', '--workspace', '-w', '--cwd', '--workspaces', '-ws', '-r', '--recursive']);

/**
 * Expands a test command the way npm runs it: `npm test`/`npm run x` (and pnpm, yarn) become
 * the script's own text run by `sh -c` with `pre`/`post` hooks, npm's lifecycle variables and
 * node_modules/.bin on PATH; `&&`, `;`, `||`, pipes, environment prefixes, cross-env and
 * run-s/run-p/npm-run-all are kept or followed. Every runner invocation found gets its own
 * report file in `reportFolder`. Parts that cannot be followed are left as written and listed
 * as steps read from the exit code, with the reason. With `followWorkspaces`, commands that run
 * a script in workspace packages are followed into each package.
 */
export function planTestChain(
  command: string,
  manifest: PackageManifest,
  reportFolder: string,
  options: { followWorkspaces?: FollowWorkspaces; focus?: ChainFocus } = {},
): ChainPlan {
  const steps: PlannedStep[] = [];
  let expandedScript = false;
  let lastFocusedSegment: number | undefined;
  let visited = 0;
  let workspaceRuns = 0;
  const { focus, followWorkspaces } = options;
  const context: Context = {
    manifest,
    focus,
    followWorkspaces,
    nextWorkspaceFolder: () => path.join(reportFolder, `workspaces-${(workspaceRuns += 1)}`),
    nextReportFile: () => path.join(reportFolder, `step-${steps.length + 1}.out`),
    addStep: (step: PlannedStep) => steps.push(step),
    markExpanded: () => (expandedScript = true),
    visitSegment: () => (visited += 1),
    markFocused: (position) => (lastFocusedSegment = position),
  };
  const rewritten = rewriteCommand(command, [], context);
  // npm puts the package's node_modules/.bin first on PATH for every script it runs.
  const prefix = expandedScript ? 'PATH="$PWD/node_modules/.bin:$PATH"; export PATH; ' : '';
  const changed = expandedScript || steps.some((step) => step.reportFile) || focus !== undefined;
  return { command: changed ? `${prefix}${rewritten}` : command, steps, lastFocusedSegment };
}

interface Context {
  manifest: PackageManifest;
  focus?: ChainFocus;
  followWorkspaces?: FollowWorkspaces;
  nextWorkspaceFolder(): string;
  nextReportFile(): string;
  addStep(step: PlannedStep): void;
  markExpanded(): void;
  /** Counts simple commands in visiting order (the same order in every pass); returns the position. */
  visitSegment(): number;
  markFocused(position: number): void;
}

function rewriteCommand(text: string, scripts: string[], context: Context): string {
  const segments = splitShellCommand(text);
  const replacements: Array<{ segment: ShellSegment; text: string }> = [];
  for (const [index, segment] of segments.entries()) {
    const piped = isPiped(text, segments, index);
    const replacement = rewriteSegment(segment, text.slice(segment.start, segment.end), scripts, context, piped);
    if (replacement !== undefined) replacements.push({ segment, text: replacement });
  }
  let result = text;
  for (const { segment, text: replacement } of replacements.reverse()) {
    result = `${result.slice(0, segment.start)}${replacement}${result.slice(segment.end)}`;
  }
  return result;
}

/** Whether a simple command reads from or writes into a pipe: such a part is never left out. */
function isPiped(text: string, segments: ShellSegment[], index: number): boolean {
  const between = (left: ShellSegment | undefined, right: ShellSegment | undefined) =>
    left !== undefined && right !== undefined && /(^|[^|])\|($|[^|])/.test(text.slice(left.end, right.start));
  return between(segments[index - 1], segments[index]) || between(segments[index], segments[index + 1]);
}

function rewriteSegment(segment: ShellSegment, original: string, scripts: string[], context: Context, piped: boolean): string | undefined {
  const { assignments, words } = splitAssignments(segment.tokens);
  const exports = assignments.length > 0 ? `export ${assignments.map(quoteAssignment).join(' ')}; ` : '';
  const delegated = context.followWorkspaces?.(words, scripts, context.nextWorkspaceFolder());
  if (typeof delegated === 'string') return unreachable(original, scripts, context, delegated);
  if (delegated !== undefined) {
    for (const step of delegated.steps) context.addStep(step);
    context.markExpanded();
    return `(${exports}${delegated.command})`;
  }
  const runAll = RUN_ALL_TOOLS.has(commandName(words[0] ?? ''));
  const reference = runAll ? undefined : scriptReference(words, context.manifest.scripts);
  if (runAll || reference !== undefined) {
    if (scripts.length >= MAXIMUM_SCRIPT_DEPTH)
      return unreachable(original, scripts, context, `scripts nest deeper than ${MAXIMUM_SCRIPT_DEPTH} levels (or call each other)`);
    if (reference !== undefined && scripts.includes(reference.name)) return unreachable(original, scripts, context, `script ${reference.name} calls itself`);
    const option = words.find(
      (word) => WORKSPACE_OPTIONS.has(word) || word.startsWith('--workspace=') || word.startsWith('--filter=') || word.startsWith('--prefix='),
    );
    if (option !== undefined) return unreachable(original, scripts, context, `runs another package's scripts (${option})`);
    const body = runAll
      ? runAllScripts(words, scripts, context)
      : lifecycle(reference?.name ?? '', argumentsAfterName(words, reference?.manager ?? 'npm'), scripts, context, reference?.manager ?? 'npm');
    if (body === undefined) return undefined;
    context.markExpanded();
    return `(${exports}${body})`;
  }
  const position = context.visitSegment();
  const runner = identifyStepRunner(words, context.manifest.dependencies);
  const focus = context.focus;
  if (focus !== undefined) {
    if (runner !== undefined) {
      const focused = focusStep(runner, words, focus.filesFor?.(original, scripts) ?? focus.files);
      if (focused === undefined) return piped ? undefined : 'true';
      context.markFocused(position);
      const text = [...assignments.map(quoteAssignment), focused.command].join(' ');
      const reportFile = context.nextReportFile();
      context.addStep({ command: text, scripts, runner, reportFile });
      return withStepReporter(runner, text, reportFile);
    }
    const notNeeded = isCheckOnlyStep(words) || (focus.keepThrough !== undefined && position > focus.keepThrough);
    return notNeeded && !piped ? 'true' : undefined;
  }
  if (runner === undefined) return undefined;
  const reportFile = context.nextReportFile();
  context.addStep({ command: original, scripts, runner, reportFile });
  return withStepReporter(runner, original, reportFile);
}

/** Leading `NAME=value` words, also those given to cross-env, and the words of the program. */
function splitAssignments(tokens: string[]): { assignments: string[]; words: string[] } {
  const assignments: string[] = [];
  let index = 0;
  const takeAssignments = (): void => {
    while (index < tokens.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(tokens[index] ?? '')) {
      assignments.push(tokens[index] ?? '');
      index += 1;
    }
  };
  takeAssignments();
  if (commandName(tokens[index] ?? '') === 'cross-env') {
    index += 1;
    takeAssignments();
  }
  return { assignments, words: tokens.slice(index) };
}

function unreachable(original: string, scripts: string[], context: Context, reason: string): undefined {
  context.addStep({ command: original, scripts, runner: 'unknown', fallbackReason: reason });
  return undefined;
}

/** npm passes what follows `--` to the script; pnpm and yarn pass what follows the script name. */
function argumentsAfterName(words: string[], manager: string): string[] {
  const separator = words.indexOf('--');
  if (separator >= 0) return words.slice(separator + 1);
  if (manager === 'npm') return [];
  const first = words.findIndex((word, index) => index > 0 && !word.startsWith('-') && word !== 'run' && word !== 'run-script');
  return first >= 0 ? words.slice(first + 1) : [];
}

/**
 * `pre<name>`, `<name>` with its arguments, `post<name>`, each run by sh as npm runs them, stopping at
 * the first failure. Arguments reach only the main script, as with npm 7+. pnpm (since 7) and
 * yarn 2+ run no pre/post hooks; yarn 1 does: only npm's and yarn's hooks are followed.
 */
function lifecycle(name: string, extraArguments: string[], scripts: string[], context: Context, manager: string): string | undefined {
  const script = context.manifest.scripts[name];
  if (script === undefined) return undefined;
  const names = manager === 'pnpm' ? [name] : [`pre${name}`, name, `post${name}`];
  const parts: string[] = [];
  for (const part of names) {
    const text = context.manifest.scripts[part];
    if (text === undefined) continue;
    const withArguments = part === name && extraArguments.length > 0 ? `${text} ${extraArguments.map(quoteShellArgument).join(' ')}` : text;
    const body = rewriteCommand(withArguments, [...scripts, part], context);
    const variables = [`npm_lifecycle_event=${part}`, `npm_lifecycle_script=${text}`];
    if (context.manifest.name !== undefined) variables.push(`npm_package_name=${context.manifest.name}`);
    if (context.manifest.version !== undefined) variables.push(`npm_package_version=${context.manifest.version}`);
    parts.push(`${variables.map(quoteAssignment).join(' ')} sh -c ${quoteShellArgument(body)}`);
  }
  return parts.join(' && ');
}

/** run-s a b (in order, stop at the first failure); run-p / npm-run-all -p (all run; Mender runs them one after another). */
function runAllScripts(words: string[], scripts: string[], context: Context): string | undefined {
  const tool = commandName(words[0] ?? '');
  const parallel = tool === 'run-p' || words.includes('-p') || words.includes('--parallel');
  const patterns = words.slice(1).filter((word) => !word.startsWith('-'));
  // A pattern that matches the running script itself (`lint: run-p lint:*`) is not followed into it.
  const names = patterns.flatMap((pattern) => matchScripts(pattern, context.manifest.scripts)).filter((name) => !scripts.includes(name));
  if (names.length === 0) return undefined;
  const bodies = names.map((name) => `(${lifecycle(name, [], scripts, context, 'npm') ?? 'true'})`);
  if (!parallel) return bodies.join(' && ');
  return `status=0; ${bodies.map((body) => `${body} || status=1`).join('; ')}; exit $status`;
}

/** npm-run-all's glob: `*` within one `:`-separated part, `**` across parts. */
function matchScripts(pattern: string, scripts: Record<string, string>): string[] {
  if (!pattern.includes('*')) return Object.hasOwn(scripts, pattern) ? [pattern] : [];
  const source = pattern
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((text) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^:]*'),
    )
    .join('.*');
  const expression = new RegExp(`^${source}$`);
  return Object.keys(scripts).filter((name) => expression.test(name));
}

/** `NAME=some value` → `NAME='some value'`: quoting the whole word would make it a command name. */
function quoteAssignment(assignment: string): string {
  const equals = assignment.indexOf('=');
  return `${assignment.slice(0, equals)}=${quoteShellArgument(assignment.slice(equals + 1))}`;
}
