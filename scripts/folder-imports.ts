// Reads the production files under src/ and lists their relative imports as folder-to-folder
// edges, so the layer check and the graph print work on one model of the code.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** One relative import of a production file, resolved to the src/ folder it lands in. */
export interface FolderImport {
  /** Path of the importing file, relative to the repository root (e.g. `src/store/rows.ts`). */
  file: string;
  line: number;
  specifier: string;
  fromFolder: string;
  toFolder: string;
}

export interface SourceTree {
  /** Production file count per src/ folder. */
  fileCounts: Map<string, number>;
  /** Imports that cross from one src/ folder into another. */
  crossFolderImports: FolderImport[];
}

// Tests may reach across layers (a test wires real parts together), so only production files count.
function isProductionFile(name: string): boolean {
  return name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts');
}

function listFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(full));
    else if (entry.isFile() && isProductionFile(entry.name)) files.push(full);
  }
  return files.sort();
}

/** `src/<folder>/…` → `<folder>`; files directly in src/ and paths outside it have none. */
function folderOf(sourceRoot: string, file: string): string | undefined {
  const relative = path.relative(sourceRoot, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  const segments = relative.split(path.sep);
  return segments.length > 1 ? segments[0] : undefined;
}

/**
 * Static imports, `import type`, `export … from`, `import('…')` and `require('…')`, as the
 * TypeScript scanner sees them, so imports inside comments and strings are not counted.
 */
function importSpecifiers(text: string): { specifier: string; line: number }[] {
  const info = ts.preProcessFile(text, true, true);
  const source = ts.createSourceFile('scan.ts', text, ts.ScriptTarget.Latest, false);
  return info.importedFiles.map((reference) => ({
    specifier: reference.fileName,
    line: source.getLineAndCharacterOfPosition(reference.pos).line + 1,
  }));
}

/** Reads `<root>/src` and returns its folder file counts and cross-folder imports. */
export function readSourceTree(root: string): SourceTree {
  const sourceRoot = path.join(root, 'src');
  const fileCounts = new Map<string, number>();
  const crossFolderImports: FolderImport[] = [];
  for (const file of listFiles(sourceRoot)) {
    const fromFolder = folderOf(sourceRoot, file);
    if (fromFolder === undefined) continue;
    fileCounts.set(fromFolder, (fileCounts.get(fromFolder) ?? 0) + 1);
    for (const { specifier, line } of importSpecifiers(fs.readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const toFolder = folderOf(sourceRoot, path.resolve(path.dirname(file), specifier));
      // Imports leaving src/ (test support) are not part of the folder order.
      if (toFolder === undefined || toFolder === fromFolder) continue;
      crossFolderImports.push({ file: path.relative(root, file).split(path.sep).join('/'), line, specifier, fromFolder, toFolder });
    }
  }
  return { fileCounts, crossFolderImports };
}

/** Folder → folders it imports, each with the number of importing lines. */
export function folderGraph(imports: FolderImport[]): Map<string, Map<string, number>> {
  const graph = new Map<string, Map<string, number>>();
  for (const { fromFolder, toFolder } of imports) {
    const targets = graph.get(fromFolder) ?? new Map<string, number>();
    targets.set(toFolder, (targets.get(toFolder) ?? 0) + 1);
    graph.set(fromFolder, targets);
  }
  return graph;
}

/** Strongly connected sets of more than one folder (Tarjan), each sorted, largest first. */
export function folderCycles(folders: string[], graph: Map<string, Map<string, number>>): string[][] {
  let nextIndex = 0;
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const sets: string[][] = [];
  const visit = (folder: string): void => {
    index.set(folder, nextIndex);
    lowLink.set(folder, nextIndex);
    nextIndex += 1;
    stack.push(folder);
    onStack.add(folder);
    for (const target of graph.get(folder)?.keys() ?? []) {
      if (!index.has(target)) {
        visit(target);
        lowLink.set(folder, Math.min(lowLink.get(folder)!, lowLink.get(target)!));
      } else if (onStack.has(target)) {
        lowLink.set(folder, Math.min(lowLink.get(folder)!, index.get(target)!));
      }
    }
    if (lowLink.get(folder) !== index.get(folder)) return;
    const set: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      set.push(member);
    } while (member !== folder);
    if (set.length > 1) sets.push(set.sort());
  };
  for (const folder of [...folders].sort()) if (!index.has(folder)) visit(folder);
  return sets.sort((left, right) => right.length - left.length || left[0]!.localeCompare(right[0]!));
}
