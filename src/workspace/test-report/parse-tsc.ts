import { stripAnsi } from './failure-message.ts';
import { toRepositoryPath } from './repository-path.ts';
import type { CheckReport, Diagnostic, ParseResult } from './types.ts';

/** `src/a.ts(12,5): error TS2322: message` (`--pretty false`). */
const PLAIN = /^(.+?)\((\d+),(\d+)\): (error|warning|message) (TS\d+): (.*)$/;
/** `src/a.ts:12:5 - error TS2322: message` (pretty output, when `--pretty false` could not be added). */
const PRETTY = /^(.+?):(\d+):(\d+) - (error|warning|message) (TS\d+): (.*)$/;
/** `error TS5083: message` (about the configuration, not a file). */
const GLOBAL = /^(error|warning|message) (TS\d+): (.*)$/;

/**
 * Parses tsc's diagnostics. Indented lines right after a diagnostic continue its message (the
 * chain of "Types of property … are incompatible"); lines tsc does not write as diagnostics
 * (npm's banner, "Found 3 errors", pretty code frames) are ignored. Text never fails to parse:
 * whether an empty result means success is decided with the exit code by the caller.
 */
export function parseTsc(text: string, root: string): ParseResult<CheckReport> {
  const diagnostics: Diagnostic[] = [];
  let current: Diagnostic | undefined;
  for (const rawLine of stripAnsi(text).replace(/\r\n?/g, '\n').split('\n')) {
    const line = rawLine.trimEnd();
    if (current !== undefined && /^\s+\S/.test(line)) {
      current.message += `\n${line.replace(/^ {2}/, '')}`;
      continue;
    }
    current = readDiagnostic(line.trimStart(), root);
    if (current !== undefined) diagnostics.push(current);
  }
  return {
    ok: true,
    report: {
      tool: 'tsc',
      structured: true,
      errors: diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length,
      warnings: diagnostics.filter((diagnostic) => diagnostic.severity === 'warning').length,
      diagnostics,
    },
  };
}

function readDiagnostic(line: string, root: string): Diagnostic | undefined {
  const located = PLAIN.exec(line) ?? PRETTY.exec(line);
  if (located) {
    const [, file = '', lineNumber, column, category = '', code, message = ''] = located;
    return {
      file: toRepositoryPath(file, root),
      line: Number(lineNumber),
      column: Number(column),
      code,
      message,
      severity: category === 'error' ? 'error' : 'warning',
    };
  }
  const global = GLOBAL.exec(line);
  if (global) {
    const [, category = '', code, message = ''] = global;
    return { file: '', code, message, severity: category === 'error' ? 'error' : 'warning' };
  }
  return undefined;
}
