import { commandName } from './find-tool-invocation.ts';
import { withJasmineReporter } from './jasmine-reporter.ts';
import { nodeTestReporterOptions } from './node-test-reporter.ts';
import { quoteShellArgument } from './shell-command.ts';
import type { TestRunner } from './types.ts';

/** Runners Mender can give a machine-readable report to. */
export type KnownRunner = Exclude<TestRunner, 'unknown'>;

/** A test file by its path: in a test folder, or named `*.test.*` / `*.spec.*`. */
const TEST_FILE = /(^|\/)(tests?|specs?|__tests__)\/.*\.[cm]?[jt]sx?$|\.(test|spec)\.[cm]?[jt]sx?$/;

/**
 * Recognizes the test runner started by one simple command's words (after wrappers such as c8,
 * npx, cross-env). `dependencies` are the package's own (dependencies and devDependencies): a
 * uvu test file is a plain script (`node test/x.js`), known as uvu's only when uvu is one.
 */
export function identifyStepRunner(words: string[], dependencies: readonly string[] = []): KnownRunner | undefined {
  for (const [index, word] of words.entries()) {
    const name = commandName(word);
    if (name === 'uvu') return 'uvu';
    if (name === 'vitest') return 'vitest';
    if (name === 'jest') return 'jest';
    if (name === 'mocha' || name === '_mocha') return 'mocha';
    if (name === 'tape') return 'tape';
    if (name === 'ava') return 'ava';
    if (name === 'tap') return 'tap';
    if (name === 'jasmine') return 'jasmine';
    if (name === 'playwright' && words[index + 1] === 'test') return 'playwright';
    if ((name === 'node' || name === 'tsx') && words.slice(index + 1).includes('--test')) return 'node-test';
    if (
      (name === 'node' || name === 'tsx' || name === 'tsm') &&
      dependencies.includes('uvu') &&
      words.slice(index + 1).some((argument) => TEST_FILE.test(argument))
    )
      return 'uvu';
  }
  return undefined;
}

/**
 * Rewrites one simple command that starts `runner` so it also writes a machine-readable report
 * to `reportFile`, keeping its console output and its exit code:
 * - vitest, jest, mocha get reporter arguments that write the file;
 * - node:test gets Mender's reporter through NODE_OPTIONS (whatever wraps node);
 * - Playwright Test gets `--reporter=list,json` and PLAYWRIGHT_JSON_OUTPUT_NAME;
 * - tape, ava (`--tap`) and tap (`--reporter=tap`) print TAP on stdout: their stdout goes to
 *   the file, is then shown, and the runner's own exit code is kept;
 * - jasmine gets Mender's reporter module through `--require=`, beside its console reporter;
 * - uvu has no reporter option: its console output (stdout) is captured and read.
 */
export function withStepReporter(runner: KnownRunner, text: string, reportFile: string): string {
  const file = quoteShellArgument(reportFile);
  switch (runner) {
    case 'vitest':
      return `${text} --reporter=default --reporter=json --outputFile.json=${file}`;
    case 'jest':
      return `${text} --json --outputFile=${file}`;
    case 'mocha':
      return `${text} --reporter json --reporter-option output=${file}`;
    case 'node-test':
      // Added to the options the step already inherits (a memory limit, a loader), not in their place.
      return `NODE_OPTIONS="\${NODE_OPTIONS:+$NODE_OPTIONS }"${quoteShellArgument(nodeTestReporterOptions(reportFile))} ${text}`;
    case 'tape':
      return capturingStdout(text, file);
    case 'ava':
      return capturingStdout(`${text} --tap`, file);
    case 'tap':
      return capturingStdout(`${text} --reporter=tap`, file);
    case 'playwright':
      // The json reporter writes where PLAYWRIGHT_JSON_OUTPUT_NAME says; list keeps the console readable.
      return `PLAYWRIGHT_JSON_OUTPUT_NAME=${file} ${text} --reporter=list,json`;
    case 'jasmine':
      return withJasmineReporter(text, reportFile);
    case 'uvu':
      return capturingStdout(text, file);
  }
}

function capturingStdout(text: string, file: string): string {
  const script = `${text} > ${file}; status=$?; cat ${file}; exit $status`;
  return `sh -c ${quoteShellArgument(script)}`;
}
