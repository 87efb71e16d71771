/** One simple command of a shell command line, between operators such as `&&`, `||`, `;` and `|`. */
export interface ShellSegment {
  /** Words with quotes and escapes removed. */
  tokens: string[];
  /** Offset of the segment's first non-blank character. */
  start: number;
  /** Offset just after the segment's last non-blank character: where arguments can be appended. */
  end: number;
}

const OPERATOR_CHARACTERS = new Set(['&', '|', ';', '\n']);

/**
 * Splits a POSIX shell command line into simple commands and words. It is a reader for
 * detection, not a shell: subshells, redirections and expansions are not interpreted.
 */
export function splitShellCommand(command: string): ShellSegment[] {
  const segments: ShellSegment[] = [];
  let tokens: string[] = [];
  let current: string | undefined;
  let end = 0;
  let start = 0;
  let quote: "'" | '"' | undefined;

  const finishToken = (): void => {
    if (current !== undefined) tokens.push(current);
    current = undefined;
  };
  const finishSegment = (): void => {
    finishToken();
    if (tokens.length > 0) segments.push({ tokens, start, end });
    tokens = [];
  };

  for (let index = 0; index < command.length; index += 1) {
    const character = command[index] ?? '';
    if (quote === undefined && current === undefined && tokens.length === 0) start = index;
    if (quote !== undefined) {
      if (character === quote) {
        quote = undefined;
      } else if (quote === '"' && character === '\\' && index + 1 < command.length) {
        index += 1;
        current = (current ?? '') + (command[index] ?? '');
      } else {
        current = (current ?? '') + character;
      }
      end = index + 1;
      continue;
    }
    if (character === "'" || character === '"') {
      quote = character;
      current ??= '';
      end = index + 1;
    } else if (character === '\\' && index + 1 < command.length) {
      index += 1;
      current = (current ?? '') + (command[index] ?? '');
      end = index + 1;
    } else if (OPERATOR_CHARACTERS.has(character)) {
      finishSegment();
      // `&&`, `||` and `|&` are one operator.
      if ((command[index + 1] === '&' || command[index + 1] === '|') && character !== ';') index += 1;
    } else if (/\s/.test(character)) {
      finishToken();
    } else {
      current = (current ?? '') + character;
      end = index + 1;
    }
  }
  finishSegment();
  return segments;
}

/** Quotes an argument for a POSIX shell when it needs it. */
export function quoteShellArgument(value: string): string {
  if (/^[\w@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Inserts text into a command at an offset (an insertion point from a ShellSegment). */
export function insertIntoCommand(command: string, offset: number, text: string): string {
  return `${command.slice(0, offset)} ${text}${command.slice(offset)}`;
}
