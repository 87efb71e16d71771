import { z } from 'zod';
import { runGit } from '../../workspace/git.ts';
import { toolError } from '../tool.ts';
import type { Tool } from '../tool.ts';
import { gitFailure } from './git-tool-options.ts';
import type { GitToolOptions } from './git-tool-options.ts';

export const defaultLogLimit = 20;
export const maxLogLimit = 200;

const inputSchema = z.object({
  limit: z.number().int().min(1).max(maxLogLimit).optional().describe(`How many recent commits to show. Default: ${defaultLogLimit}`),
});

export type GitLogInput = z.infer<typeof inputSchema>;
export interface GitLogData {
  commits: Array<{ hash: string; date: string; author: string; subject: string }>;
}

// Fields separated by a unit separator, which commit subjects do not contain.
const fieldSeparator = '\x1f';

export function createGitLogTool(_options: GitToolOptions = {}): Tool<GitLogInput, GitLogData> {
  return {
    name: 'git__log',
    description: 'Show the most recent commits of the current branch: short hash, date, author and subject.',
    inputSchema,
    kind: 'read',
    async execute(input, context) {
      const limit = Math.min(input.limit ?? defaultLogLimit, maxLogLimit);
      let result;
      try {
        result = await runGit(
          context.root,
          ['log', `--max-count=${limit}`, '--date=short', `--format=%h${fieldSeparator}%ad${fieldSeparator}%an${fieldSeparator}%s`],
          { signal: context.signal, allowFailure: true },
        );
      } catch (error) {
        return gitFailure(error);
      }
      if (result.exitCode !== 0) {
        if (/does not have any commits yet/.test(result.stderr)) return { ok: true, data: { commits: [] }, text: 'No commits yet.' };
        return toolError('command_failed', `git log failed (exit code ${result.exitCode}): ${result.stderr.trim()}`);
      }
      const commits = result.stdout
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => {
          const [hash = '', date = '', author = '', subject = ''] = line.split(fieldSeparator);
          return { hash, date, author, subject };
        });
      const text = commits.map((commit) => `${commit.hash} ${commit.date} ${commit.author}: ${commit.subject}`).join('\n');
      return { ok: true, data: { commits }, text: text || 'No commits yet.' };
    },
  };
}
