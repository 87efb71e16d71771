import type { DiffLine } from './parse-unified-diff.ts';

export interface SideBySideRow {
  left?: DiffLine;
  right?: DiffLine;
}

/** Side-by-side rows: context on both sides; a run of removals faces the additions that follow it. */
export function pairLines(lines: DiffLine[]): SideBySideRow[] {
  const rows: SideBySideRow[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    if (line.kind === 'context' || line.kind === 'note') {
      rows.push({ left: line, right: line });
      index += 1;
      continue;
    }
    const removed: DiffLine[] = [];
    const added: DiffLine[] = [];
    while (index < lines.length && lines[index]!.kind === 'removed') removed.push(lines[index++]!);
    while (index < lines.length && lines[index]!.kind === 'added') added.push(lines[index++]!);
    for (let row = 0; row < Math.max(removed.length, added.length); row += 1) rows.push({ left: removed[row], right: added[row] });
  }
  return rows;
}
