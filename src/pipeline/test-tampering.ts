import { runGit } from '../workspace/git.ts';
import type { ChangedFile } from './change-files.ts';

const testCase = /\b(?:it|test|specify)\s*(?:\.\w+\s*)?\(/g;
const focusOrSkip = /\b(?:it|test|describe)\.(?:skip|only|todo)\s*\(|\bx(?:it|describe)\s*\(|\bf(?:it|describe)\s*\(/g;
const assertion = /\b(?:expect|assert)\b/g;

const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;

/**
 * Flags changes that weaken existing tests: deleted test files, fewer test cases or assertions,
 * skip/only added. Reported to the reviewer and on the change; they do not block by themselves.
 */
export async function findTestTampering(root: string, baseCommit: string, files: ChangedFile[], readCurrent: (path: string) => string): Promise<string[]> {
  const flags: string[] = [];
  for (const file of files.filter((candidate) => candidate.isTest)) {
    if (file.status === 'deleted') {
      flags.push(`test file deleted: ${file.path}`);
      continue;
    }
    if (file.status !== 'modified') continue;
    const before = (await runGit(root, ['show', `${baseCommit}:${file.path}`], { allowFailure: true })).stdout;
    const after = readCurrent(file.path);
    if (count(after, testCase) < count(before, testCase))
      flags.push(`test cases removed from ${file.path} (${count(before, testCase)} → ${count(after, testCase)})`);
    if (count(after, assertion) < count(before, assertion))
      flags.push(`assertions removed from ${file.path} (${count(before, assertion)} → ${count(after, assertion)})`);
    if (count(after, focusOrSkip) > count(before, focusOrSkip)) flags.push(`skip/only/todo added in ${file.path}`);
  }
  return flags;
}
