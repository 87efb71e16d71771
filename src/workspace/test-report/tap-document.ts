import { createTestPointNesting, type TestPoint } from './test-point-tree.ts';

export interface TapDocument {
  /** Whether a `TAP version` line was seen. */
  hasHeader: boolean;
  tests: TestPoint[];
}

/** Spaces of indentation per nesting level in Node's TAP reporter. */
const INDENT_PER_LEVEL = 4;

/**
 * Reads TAP 13/14 as written by `node --test --test-reporter=tap`: subtests are indented four
 * spaces per level and come before their parent's test point; YAML blocks follow test points.
 */
export function readTapDocument(text: string): TapDocument {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const nesting = createTestPointNesting();
  const comments = new Map<number, string[]>();
  const subtestNames = new Map<number, string>();
  let hasHeader = false;
  let lastTestPoint: TestPoint | undefined;

  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const trimmed = line.trim();
    const indent = line.length - line.trimStart().length;
    const level = Math.floor(indent / INDENT_PER_LEVEL);

    if (trimmed === '---' && lastTestPoint !== undefined) {
      index = readYamlBlock(lines, index + 1, indent, lastTestPoint.details) - 1;
      lastTestPoint = undefined;
      continue;
    }
    lastTestPoint = undefined;
    if (/^TAP version \d+/i.test(trimmed)) {
      hasHeader = true;
      continue;
    }
    const subtest = /^# Subtest: (.*)$/.exec(trimmed);
    if (subtest) {
      subtestNames.set(level, unescapeName(subtest[1] ?? ''));
      continue;
    }
    if (trimmed.startsWith('#')) {
      listAt(comments, level).push(trimmed.replace(/^#\s?/, ''));
      continue;
    }
    const testPoint = readTestPoint(trimmed);
    if (testPoint === undefined) continue;
    testPoint.comments = comments.get(level) ?? [];
    for (const commentLevel of [...comments.keys()]) {
      if (commentLevel >= level) comments.delete(commentLevel);
    }
    nesting.add(testPoint, level);
    lastTestPoint = testPoint;
  }

  const tests = nesting.finish((level) => subtestNames.get(level));
  return { hasHeader, tests };
}

function readTestPoint(trimmed: string): TestPoint | undefined {
  const match = /^(not ok|ok)\b\s*(?:\d+)?\s*(?:-\s?)?(.*)$/.exec(trimmed);
  if (!match) return undefined;
  const { name, directiveText } = splitDirective(match[2] ?? '');
  const testPoint: TestPoint = {
    name: unescapeName(name.trim()),
    ok: match[1] === 'ok',
    details: {},
    comments: [],
    subtests: [],
  };
  const directive = /^(skip|todo)\b/i.exec(directiveText.trim());
  if (directive?.[1] !== undefined) {
    testPoint.directive = directive[1].toLowerCase() === 'skip' ? 'skip' : 'todo';
  }
  return testPoint;
}

/** The directive starts at the first `#` not escaped with a backslash. */
function splitDirective(rest: string): { name: string; directiveText: string } {
  for (let position = 0; position < rest.length; position += 1) {
    const character = rest[position];
    if (character === '\\') {
      position += 1;
      continue;
    }
    if (character === '#') {
      return { name: rest.slice(0, position), directiveText: rest.slice(position + 1) };
    }
  }
  return { name: rest, directiveText: '' };
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', b: '\b', v: '\v' };

/** Undoes Node's TAP name escaping (`\\`, `\#`, `\n`…). */
function unescapeName(name: string): string {
  return name.replace(/\\(.)/g, (_, character: string) => ESCAPES[character] ?? character);
}

/**
 * Reads `key: value` pairs at the block's own indentation until the closing `...`, returning the
 * index of the line after it. Nested mappings are skipped; block scalars (`|-`) are joined.
 */
function readYamlBlock(lines: string[], start: number, indent: number, details: Record<string, string>): number {
  let index = start;
  // Node writes keys at the `---` line's indentation; tape and tap indent them further.
  const firstKey = lines.slice(start).find((line) => line.trim() !== '');
  const keyIndent = firstKey === undefined || firstKey.trim() === '...' ? indent : Math.max(indent, firstKey.length - firstKey.trimStart().length);
  while (index < lines.length) {
    const line = lines[index] ?? '';
    const lineIndent = line.length - line.trimStart().length;
    if (line.trim() === '...' && lineIndent <= indent) return index + 1;
    if (line.trim() !== '' && lineIndent < indent) return index; // malformed: block never closed
    const pair = lineIndent === keyIndent ? /^([A-Za-z_][\w-]*):(?:\s+(.*))?$/.exec(line.trim()) : null;
    index += 1;
    if (!pair?.[1]) continue;
    const key = pair[1];
    const rawValue = (pair[2] ?? '').trim();
    if (/^[|>][-+]?$/.test(rawValue)) {
      const block: string[] = [];
      while (index < lines.length) {
        const blockLine = lines[index] ?? '';
        const blockIndent = blockLine.length - blockLine.trimStart().length;
        if (blockLine.trim() !== '' && blockIndent <= keyIndent) break;
        block.push(blockLine);
        index += 1;
      }
      details[key] = dedent(block);
      continue;
    }
    if (rawValue === '') {
      // A nested mapping (tap's `at:` with `line:` and `file:`) is kept as `key.inner` scalars.
      while (index < lines.length) {
        const nestedLine = lines[index] ?? '';
        const nestedIndent = nestedLine.length - nestedLine.trimStart().length;
        if (nestedLine.trim() !== '' && nestedIndent <= keyIndent) break;
        const nested = /^([A-Za-z_][\w-]*):\s+(.*)$/.exec(nestedLine.trim());
        const nestedValue = nested?.[2] === undefined ? undefined : readScalar(nested[2].trim());
        if (nested?.[1] !== undefined && nestedValue !== undefined) details[`${key}.${nested[1]}`] = nestedValue;
        index += 1;
      }
      continue;
    }
    const value = readScalar(rawValue);
    if (value !== undefined) details[key] = value;
  }
  return index;
}

function readScalar(rawValue: string): string | undefined {
  if (rawValue === '' || rawValue === '~' || rawValue === 'null') return undefined;
  if (rawValue.startsWith("'") && rawValue.endsWith("'") && rawValue.length >= 2) {
    return rawValue.slice(1, -1).replace(/''/g, "'");
  }
  if (rawValue.startsWith('"') && rawValue.endsWith('"') && rawValue.length >= 2) {
    try {
      const parsed: unknown = JSON.parse(rawValue);
      return typeof parsed === 'string' ? parsed : rawValue.slice(1, -1);
    } catch {
      return rawValue.slice(1, -1);
    }
  }
  return rawValue;
}

function dedent(block: string[]): string {
  const indents = block.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length);
  const common = indents.length === 0 ? 0 : Math.min(...indents);
  return block
    .map((line) => line.slice(common))
    .join('\n')
    .replace(/\s+$/, '');
}

function listAt<Item>(map: Map<number, Item[]>, level: number): Item[] {
  let list = map.get(level);
  if (list === undefined) {
    list = [];
    map.set(level, list);
  }
  return list;
}
