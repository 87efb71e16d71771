/** A unified diff (`git diff` output) as files, hunks and numbered lines. */
export interface DiffLine {
  kind: 'context' | 'added' | 'removed' | 'note';
  text: string;
  oldNumber?: number;
  newNumber?: number;
}

export interface DiffHunk {
  header: string;
  lines: DiffLine[];
}

export interface DiffFile {
  oldPath: string;
  newPath: string;
  status: 'added' | 'deleted' | 'modified' | 'renamed';
  binary: boolean;
  hunks: DiffHunk[];
  insertions: number;
  deletions: number;
}

const hunkHeader = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;

function stripPrefix(path: string): string {
  return path.replace(/^"?(a|b)\//, '').replace(/"$/, '');
}

export function parseUnifiedDiff(diff: string): DiffFile[] {
  const files: DiffFile[] = [];
  let file: DiffFile | undefined;
  let hunk: DiffHunk | undefined;
  let oldNumber = 0;
  let newNumber = 0;
  const startFile = (oldPath: string, newPath: string) => {
    file = { oldPath, newPath, status: 'modified', binary: false, hunks: [], insertions: 0, deletions: 0 };
    hunk = undefined;
    files.push(file);
  };
  for (const line of diff.replace(/\r\n/g, '\n').split('\n')) {
    const gitHeader = /^diff --git (\S+) (\S+)$/.exec(line);
    if (gitHeader) {
      startFile(stripPrefix(gitHeader[1]!), stripPrefix(gitHeader[2]!));
      continue;
    }
    if (!hunk || line.startsWith('--- ') || line.startsWith('+++ ')) {
      if (line.startsWith('--- ')) {
        if (!file) startFile('', '');
        const path = line.slice(4).trim();
        if (path === '/dev/null') file!.status = 'added';
        else file!.oldPath = stripPrefix(path);
        hunk = undefined;
        continue;
      }
      if (line.startsWith('+++ ') && file) {
        const path = line.slice(4).trim();
        if (path === '/dev/null') file.status = 'deleted';
        else file.newPath = stripPrefix(path);
        continue;
      }
    }
    if (!file) continue;
    if (line.startsWith('new file mode')) file.status = 'added';
    else if (line.startsWith('deleted file mode')) file.status = 'deleted';
    else if (line.startsWith('rename from ')) {
      file.status = 'renamed';
      file.oldPath = line.slice('rename from '.length);
    } else if (line.startsWith('rename to ')) file.newPath = line.slice('rename to '.length);
    else if (line.startsWith('Binary files ')) file.binary = true;
    const header = hunkHeader.exec(line);
    if (header) {
      oldNumber = Number(header[1]);
      newNumber = Number(header[3]);
      hunk = { header: line, lines: [] };
      file.hunks.push(hunk);
      continue;
    }
    if (!hunk) continue;
    if (line.startsWith('+')) {
      hunk.lines.push({ kind: 'added', text: line.slice(1), newNumber: newNumber++ });
      file.insertions += 1;
    } else if (line.startsWith('-')) {
      hunk.lines.push({ kind: 'removed', text: line.slice(1), oldNumber: oldNumber++ });
      file.deletions += 1;
    } else if (line.startsWith(' ')) hunk.lines.push({ kind: 'context', text: line.slice(1), oldNumber: oldNumber++, newNumber: newNumber++ });
    else if (line.startsWith('\\')) hunk.lines.push({ kind: 'note', text: line });
  }
  return files;
}
