import { pathToFileURL } from 'node:url';

/** Upper bound on one failure message so a huge diff cannot blow up a report. */
export const MAXIMUM_MESSAGE_LENGTH = 8_000;

/**
 * Finds the first `<file>:<line>:<column>` reference to the given absolute file in a stack trace,
 * so a failure can point at the failing line even when the runner reports no location.
 */
export function findLineInStack(text: string, absoluteFile: string): number | undefined {
  if (absoluteFile === '') return undefined;
  const candidates = [absoluteFile];
  try {
    candidates.push(pathToFileURL(absoluteFile).href);
  } catch {
    // A path that cannot become a URL is simply not searched for in URL form.
  }
  let best: { index: number; line: number } | undefined;
  for (const candidate of candidates) {
    const pattern = new RegExp(`(?<![\\w./-])${escapeRegularExpression(candidate)}:(\\d+):\\d+`);
    const match = pattern.exec(text);
    if (match?.[1] !== undefined && (best === undefined || match.index < best.index)) {
      best = { index: match.index, line: Number(match[1]) };
    }
  }
  return best?.line;
}

/**
 * Drops stack frames inside the test runner, node_modules and Node's internals: they are the
 * same in every failure and crowd out the lines that explain it.
 */
export function withoutInternalFrames(message: string): string {
  return message
    .split('\n')
    .filter((line) => !isInternalFrame(line))
    .join('\n')
    .trimEnd();
}

/** Caps a message at MAXIMUM_MESSAGE_LENGTH characters, saying so when it cut. */
export function truncateMessage(message: string): string {
  if (message.length <= MAXIMUM_MESSAGE_LENGTH) return message;
  return `${message.slice(0, MAXIMUM_MESSAGE_LENGTH)}\n… (truncated)`;
}

function isInternalFrame(line: string): boolean {
  if (!/^\s+at /.test(line)) return false;
  return /node_modules[\\/]|node:internal|\(node:|^\s+at node:|<anonymous>\)?\s*$/.test(line);
}

function escapeRegularExpression(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Removes terminal colour codes that runners leave in messages when colour is forced. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}
