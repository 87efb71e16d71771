import { commandName, findToolInvocation } from './find-tool-invocation.ts';
import { parseEslintJson } from './parse-eslint-json.ts';
import { parseTsc } from './parse-tsc.ts';
import { insertIntoCommand, quoteShellArgument } from './shell-command.ts';
import type { CheckReport, CheckTool, ParseResult } from './types.ts';

export type CheckKind = 'typecheck' | 'lint';

export interface CheckPlan {
  tool: CheckTool;
  /** The command to run; its stdout is what readCheckReport parses. */
  command: string;
}

const TOOL_FOR_KIND: Record<CheckKind, Exclude<CheckTool, 'unknown'>> = {
  typecheck: 'tsc',
  lint: 'eslint',
};

/** Which program names count as the tool. */
const PROGRAMS: Record<Exclude<CheckTool, 'unknown'>, string[]> = {
  tsc: ['tsc', 'vue-tsc'],
  eslint: ['eslint'],
};

/**
 * Decides which checker a typecheck or lint command starts (following package.json scripts) and
 * adds the flags that make its output parseable: `--pretty false` for tsc when absent (tsc's
 * output is parseable either way, so tsc is recognised even where the flag cannot be added),
 * `-f json` for eslint (eslint only where the flag reaches it or is already there).
 */
export function planCheck(kind: CheckKind, command: string, scripts: Record<string, string>): CheckPlan {
  const tool = TOOL_FOR_KIND[kind];
  const programs = PROGRAMS[tool];
  const invocation = findToolInvocation(command, scripts, (words) => (words.some((word) => programs.includes(commandName(word))) ? tool : undefined));
  if (invocation === undefined) return { tool: 'unknown', command };
  const words = invocation.toolTokens;
  const append = (flags: string[]): string =>
    insertIntoCommand(command, invocation.insertAt, [...invocation.separators, ...flags].map(quoteShellArgument).join(' '));

  if (tool === 'tsc') {
    const hasPretty = words.some((word) => word === '--pretty' || word.startsWith('--pretty='));
    if (hasPretty || !invocation.argumentsReachTool) return { tool, command };
    return { tool, command: append(['--pretty', 'false']) };
  }

  const format = eslintFormat(words);
  if (format === 'json') return { tool, command };
  if (format !== undefined || !invocation.argumentsReachTool) return { tool: 'unknown', command };
  return { tool, command: append(['-f', 'json']) };
}

function eslintFormat(words: string[]): string | undefined {
  for (const [index, word] of words.entries()) {
    if (word === '-f' || word === '--format') return words[index + 1] ?? '';
    if (word.startsWith('--format=')) return word.slice('--format='.length);
  }
  return undefined;
}

/**
 * Reads a check's stdout. When it cannot be parsed, or the command failed without reporting an
 * error (e.g. eslint's `--max-warnings` exceeded), the exit code decides, with the output tail
 * as the message.
 */
export function readCheckReport(tool: CheckTool, stdout: string, exitCode: number | null, outputTail: string, root: string): CheckReport {
  const failedCommand = exitCode !== 0;
  const commandFailure = { file: '', message: outputTail, severity: 'error' as const };
  const parsed = parseCheck(tool, stdout, root);
  if (parsed?.ok === true) {
    const report = parsed.report;
    if (!failedCommand || report.errors > 0) return report;
    // tsc writes nothing parseable when it crashes; a report without errors says nothing then.
    if (tool !== 'tsc' || report.diagnostics.length > 0) {
      return {
        ...report,
        errors: report.errors + 1,
        diagnostics: [...report.diagnostics, commandFailure],
      };
    }
  }
  return {
    tool,
    structured: false,
    errors: failedCommand ? 1 : 0,
    warnings: 0,
    diagnostics: failedCommand ? [commandFailure] : [],
  };
}

function parseCheck(tool: CheckTool, stdout: string, root: string): ParseResult<CheckReport> | undefined {
  switch (tool) {
    case 'tsc':
      return parseTsc(stdout, root);
    case 'eslint':
      return parseEslintJson(stdout, root);
    case 'unknown':
      return undefined;
  }
}
