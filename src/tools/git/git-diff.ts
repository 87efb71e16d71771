import { z } from 'zod';
import { runGit } from '../../workspace/git.ts';
import type { Tool } from '../tool.ts';
import { defaultMaxOutputCharacters, deniedPathspecs, gitFailure } from './git-tool-options.ts';
import type { GitToolOptions } from './git-tool-options.ts';

const inputSchema = z.object({
  staged: z.boolean().optional().describe('Show staged changes instead of unstaged ones. Default: false'),
});

export type GitDiffInput = z.infer<typeof inputSchema>;
export interface GitDiffData {
  staged: boolean;
  diff: string;
  /** New files git does not track yet, which a diff does not show. */
  untrackedFiles: string[];
  truncated: boolean;
  /** Where the whole diff was saved, when it was cut. */
  artifact?: string;
}

export function createGitDiffTool(options: GitToolOptions = {}): Tool<GitDiffInput, GitDiffData> {
  const maxCharacters = options.maxOutputCharacters ?? defaultMaxOutputCharacters;
  return {
    name: 'git__diff',
    description: "Show the worktree's changes as a unified diff: unstaged ones, or staged ones with staged: true. Lists untracked new files too.",
    inputSchema,
    kind: 'read',
    async execute(input, context) {
      const staged = input.staged ?? false;
      const excludes = deniedPathspecs(options.denyPatterns);
      let diff: string;
      let untrackedFiles: string[] = [];
      try {
        // --no-ext-diff and --no-textconv: diff.external and textconv drivers in the repository's
        // configuration would otherwise run programs.
        ({ stdout: diff } = await runGit(
          context.root,
          ['-c', 'core.quotePath=false', 'diff', '--no-ext-diff', '--no-textconv', '--no-color', ...(staged ? ['--staged'] : []), '--', '.', ...excludes],
          { signal: context.signal },
        ));
        if (!staged) {
          const { stdout } = await runGit(context.root, ['ls-files', '--others', '--exclude-standard', '-z', '--', '.', ...excludes], {
            signal: context.signal,
          });
          untrackedFiles = stdout.split('\0').filter((file) => file !== '');
        }
      } catch (error) {
        return gitFailure(error);
      }

      const which = staged ? 'staged' : 'unstaged';
      let shown = diff;
      let artifact: string | undefined;
      const truncated = diff.length > maxCharacters;
      if (truncated) {
        artifact = await context.saveArtifact(`git-diff-${which}.patch`, diff);
        shown =
          `${diff.slice(0, maxCharacters)}\n[diff cut at ${maxCharacters} of ${diff.length} characters; the whole diff is saved as ${artifact}; ` +
          'read the changed files with filesystem__readFile]';
      }
      const sections = [diff === '' ? `No ${which} changes.` : shown];
      if (untrackedFiles.length > 0) sections.push(`Untracked files (new, not in the diff):\n${untrackedFiles.join('\n')}`);
      return {
        ok: true,
        data: { staged, diff: shown, untrackedFiles, truncated, ...(artifact ? { artifact } : {}) },
        text: sections.join('\n\n'),
      };
    },
  };
}
