import type { PathPolicy } from '../../safety/path-policy.ts';

export interface SearchMatch {
  path: string;
  line: number;
  text: string;
}

export interface SearchRequest {
  policy: PathPolicy;
  pattern: string;
  /** The folder searched, as the policy resolved it. */
  directory: { absolute: string; relative: string };
  maxMatches: number;
  signal: AbortSignal;
}

export type SearchOutcome =
  | { ok: true; matches: SearchMatch[]; truncated: boolean; note?: string }
  | { ok: false; code: 'invalid_arguments' | 'io_error' | 'cancelled'; message: string };

/** Longest line text shown for a match; the rest is cut. */
export const maxMatchTextLength = 300;

export function shortenMatchText(text: string): string {
  const line = text.replace(/\r?\n$/, '');
  return line.length > maxMatchTextLength ? `${line.slice(0, maxMatchTextLength)}…` : line;
}

/**
 * Whether a matched file may be shown: not denied, and a regular, singly linked file inside the
 * root, exactly as filesystem__readFile would require. Memoised per path for one search.
 */
export function createMatchFilter(policy: PathPolicy): (relativePath: string) => Promise<boolean> {
  const verdicts = new Map<string, Promise<boolean>>();
  return (relativePath) => {
    let verdict = verdicts.get(relativePath);
    if (!verdict) {
      verdict = policy.isDenied(relativePath) ? Promise.resolve(false) : policy.resolveForRead(relativePath).then((resolution) => resolution.ok);
      verdicts.set(relativePath, verdict);
    }
    return verdict;
  };
}
