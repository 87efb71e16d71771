import { runGit } from '../workspace/git.ts';

export interface ChangedFile {
  path: string;
  status: 'added' | 'modified' | 'deleted' | 'renamed';
  isTest: boolean;
}

// Dependencies are linked into worktrees, never part of a change.
export const excludeDependencies = [':(exclude)node_modules', ':(exclude)**/node_modules'];

/** Stages every change in the worktree except the dependencies link. */
export async function stageAll(root: string): Promise<void> {
  await runGit(root, ['add', '-A', '--', '.']);
  // Unstaging (rather than an exclude pathspec on add) works whether or not .gitignore lists it.
  await runGit(root, ['reset', '--quiet', '--', 'node_modules']);
}

const testPath = /(^|\/)(test|tests|__tests__|spec|specs)\/|\.(test|spec)\.[cm]?[jt]sx?$|_test\.(go|py)$|(^|\/)test_[^/]*\.py$/;

export function isTestFile(path: string): boolean {
  return testPath.test(path);
}

/** Stages everything in the worktree and lists what differs from the base commit. */
export async function changedFiles(root: string, baseCommit: string): Promise<ChangedFile[]> {
  await stageAll(root);
  const result = await runGit(root, [
    'diff',
    '--no-ext-diff',
    '--no-textconv',
    '--cached',
    '--name-status',
    '--no-renames',
    baseCommit,
    '--',
    '.',
    ...excludeDependencies,
  ]);
  return result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [code, ...rest] = line.split('\t');
      const path = rest.join('\t');
      const status = code === 'A' ? 'added' : code === 'D' ? 'deleted' : code?.startsWith('R') ? 'renamed' : 'modified';
      return { path, status, isTest: isTestFile(path) } satisfies ChangedFile;
    });
}

/** The staged change against the base commit as a unified diff. */
export async function stagedDiff(root: string, baseCommit: string): Promise<string> {
  await stageAll(root);
  return (await runGit(root, ['diff', '--no-ext-diff', '--no-textconv', '--cached', '--no-color', baseCommit, '--', '.', ...excludeDependencies])).stdout;
}

export interface DiffStats {
  files: number;
  insertions: number;
  deletions: number;
}

export async function diffStats(root: string, from: string, to?: string): Promise<DiffStats> {
  const range = to ? [from, to] : ['--cached', from];
  const result = await runGit(root, ['diff', '--no-ext-diff', '--no-textconv', '--numstat', ...range, '--', '.', ...excludeDependencies]);
  let insertions = 0;
  let deletions = 0;
  let files = 0;
  for (const line of result.stdout.split('\n').filter(Boolean)) {
    const [added, removed] = line.split('\t');
    files += 1;
    insertions += Number(added) || 0;
    deletions += Number(removed) || 0;
  }
  return { files, insertions, deletions };
}

/** Each file's change between two commits, with line counts, for the risk assessment. */
export async function fileChanges(root: string, from: string, to: string): Promise<(ChangedFile & { insertions: number; deletions: number })[]> {
  const numstat = await runGit(root, ['diff', '--no-ext-diff', '--no-textconv', '--numstat', '--no-renames', from, to]);
  const status = await runGit(root, ['diff', '--no-ext-diff', '--no-textconv', '--name-status', '--no-renames', from, to]);
  const statusOf = new Map(
    status.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [code, ...rest] = line.split('\t');
        return [rest.join('\t'), code === 'A' ? 'added' : code === 'D' ? 'deleted' : 'modified'] as const;
      }),
  );
  return numstat.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [added, removed, ...rest] = line.split('\t');
      const path = rest.join('\t');
      return { path, status: statusOf.get(path) ?? 'modified', isTest: isTestFile(path), insertions: Number(added) || 0, deletions: Number(removed) || 0 };
    });
}

/** True when the two commits differ only in whitespace. */
export async function differsOnlyInWhitespace(root: string, from: string, to: string): Promise<boolean> {
  const result = await runGit(root, ['diff', '--no-ext-diff', '--no-textconv', '-w', '--quiet', from, to], { allowFailure: true });
  return result.exitCode === 0;
}
