import { z } from 'zod';
import { runGit } from '../../workspace/git.ts';
import type { Tool } from '../tool.ts';
import { deniedPathspecs, gitFailure } from './git-tool-options.ts';
import type { GitToolOptions } from './git-tool-options.ts';

const inputSchema = z.object({});

export type GitStatusInput = z.infer<typeof inputSchema>;
export interface GitStatusData {
  /** The `## branch...upstream` line without its marker. */
  branch: string;
  /** Two-letter porcelain status (index, then worktree; "??" untracked) and path. */
  changes: Array<{ status: string; path: string }>;
}

export function createGitStatusTool(options: GitToolOptions = {}): Tool<GitStatusInput, GitStatusData> {
  return {
    name: 'git__status',
    description:
      'Show the branch and changed files of the worktree, one "XY path" line each: X is the staged state, Y the unstaged one ' +
      '(M modified, A added, D deleted, R renamed, ?? untracked).',
    inputSchema,
    kind: 'read',
    async execute(_input, context) {
      let stdout: string;
      try {
        ({ stdout } = await runGit(
          context.root,
          ['-c', 'core.quotePath=false', 'status', '--porcelain=v1', '--branch', '--untracked-files=all', '--', '.', ...deniedPathspecs(options.denyPatterns)],
          { signal: context.signal },
        ));
      } catch (error) {
        return gitFailure(error);
      }
      const lines = stdout.split('\n').filter((line) => line !== '');
      const branch = lines[0]?.startsWith('## ') ? lines.shift()!.slice(3) : '';
      const changes = lines.map((line) => ({ status: line.slice(0, 2), path: line.slice(3) }));
      const text = [`On ${branch || 'an unknown branch'}`, ...(changes.length === 0 ? ['Nothing to commit: the worktree is clean'] : lines)].join('\n');
      return { ok: true, data: { branch, changes }, text };
    },
  };
}
