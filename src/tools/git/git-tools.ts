import type { Tool } from '../tool.ts';
import { createGitDiffTool } from './git-diff.ts';
import { createGitLogTool } from './git-log.ts';
import { createGitStatusTool } from './git-status.ts';
import type { GitToolOptions } from './git-tool-options.ts';

/** The read-only git tools; they run in the context's root. Writing to git belongs to the pipeline. */
export function createGitTools(options: GitToolOptions = {}): Tool[] {
  return [createGitStatusTool(options), createGitDiffTool(options), createGitLogTool(options)];
}

export type { GitToolOptions } from './git-tool-options.ts';
