/** A text file as lines: split on \n (a trailing newline does not start another line). */
export interface TextLines {
  lines: string[];
  /** The file's line ending, '\r\n' when it has any, else '\n'. */
  lineEnding: '\n' | '\r\n';
  endsWithNewline: boolean;
}

export function splitLines(text: string): TextLines {
  const lineEnding = text.includes('\r\n') ? '\r\n' : '\n';
  if (text === '') return { lines: [], lineEnding, endsWithNewline: false };
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, text.endsWith('\r\n') ? -2 : -1) : text).split(/\r?\n/);
  return { lines, lineEnding, endsWithNewline };
}

export function joinLines({ lines, lineEnding, endsWithNewline }: TextLines): string {
  if (lines.length === 0) return '';
  return lines.join(lineEnding) + (endsWithNewline ? lineEnding : '');
}

/** Lines prefixed with their 1-based number, right-aligned, and a tab (as `cat -n` prints them). */
export function formatNumberedLines(lines: readonly string[], firstLineNumber: number): string {
  const width = String(firstLineNumber + lines.length - 1).length;
  return lines.map((line, index) => `${String(firstLineNumber + index).padStart(width, ' ')}\t${line}`).join('\n');
}
