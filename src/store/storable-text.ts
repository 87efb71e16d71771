/**
 * What PostgreSQL (and PGlite) cannot store: U+0000 in text ("invalid byte sequence for encoding
 * UTF8: 0x00") and in jsonb ("unsupported Unicode escape sequence"), and a UTF-16 surrogate without
 * its pair, which JSON.stringify writes as a `\udXXX` escape that jsonb refuses. Outside text is
 * checked (HTTP bodies, webhooks: refused naming the field) or made storable (accepted events) here,
 * once, rather than by each caller.
 */
// NUL is the very character to find here.
// eslint-disable-next-line no-control-regex
const unstorablePattern = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const unstorableGlobal = new RegExp(unstorablePattern.source, 'g');

/** Deeper than this, a value is refused (or cut) rather than walked: JSON.stringify and zod recurse. */
export const maxStorableDepth = 64;

/** The text with NUL removed and each lone surrogate replaced by U+FFFD. */
export function storableText(text: string): string {
  if (!unstorablePattern.test(text)) return text;
  return text.replace(unstorableGlobal, (character) => (character === '\u0000' ? '' : '\ufffd'));
}

/** The text with NUL and lone surrogates written as `\uXXXX` escapes: storable and still readable. */
export function escapeUnstorableText(text: string): string {
  if (!unstorablePattern.test(text)) return text;
  return text.replace(unstorableGlobal, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A JSON value with every string and key made storable (`storableText`), and anything nested deeper
 * than `maxStorableDepth` replaced by a note. Returns the same value when nothing needed changing.
 */
export function storableValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return storableText(value);
  if (!value || typeof value !== 'object') return value;
  if (depth >= maxStorableDepth) return `[nested deeper than ${maxStorableDepth} levels: cut]`;
  if (Array.isArray(value)) {
    let changed: unknown[] | undefined;
    value.forEach((item, index) => {
      const storable = storableValue(item, depth + 1);
      if (storable !== item) (changed ??= [...value])[index] = storable;
    });
    return changed ?? value;
  }
  let changed = false;
  const entries = Object.entries(value).map(([key, item]) => {
    const storableKey = storableText(key);
    const storable = storableValue(item, depth + 1);
    if (storableKey !== key || storable !== item) changed = true;
    return [storableKey, storable] as const;
  });
  return changed ? Object.fromEntries(entries) : value;
}

export interface UnstorablePart {
  /** Where in the value, e.g. `issue.fields.summary` or `items.2` (empty: the value itself). */
  path: string;
  problem: string;
}

/** The first string, key or nesting in a JSON value that cannot be stored, or undefined when it all can. */
export function findUnstorable(value: unknown, path: (string | number)[] = []): UnstorablePart | undefined {
  if (typeof value === 'string') return unstorableProblem(value, path);
  if (!value || typeof value !== 'object') return undefined;
  if (path.length >= maxStorableDepth) return { path: pathText(path), problem: `is nested deeper than ${maxStorableDepth} levels: send a flatter value` };
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnstorable(item, [...path, index]);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const keyProblem = unstorableProblem(key, [...path, escapeUnstorableText(key)]);
    if (keyProblem) return { path: keyProblem.path, problem: keyProblem.problem.replace('holds', 'is a key holding') };
    const found = findUnstorable(item, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

function unstorableProblem(text: string, path: (string | number)[]): UnstorablePart | undefined {
  const match = unstorablePattern.exec(text);
  if (!match) return undefined;
  const problem =
    match[0] === '\u0000'
      ? `holds a NUL character (\\u0000) at position ${match.index}: remove it`
      : `holds a lone UTF-16 surrogate (\\u${match[0].charCodeAt(0).toString(16)}) at position ${match.index}: send well-formed Unicode text`;
  return { path: pathText(path), problem };
}

function pathText(path: (string | number)[]): string {
  return path.map((part) => escapeUnstorableText(String(part))).join('.');
}
