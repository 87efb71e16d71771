import { defaultDenyPatterns } from '../../safety/path-policy.ts';
import { GitError } from '../../workspace/git.ts';
import { toolError } from '../tool.ts';
import type { ToolResult } from '../tool.ts';

export interface GitToolOptions {
  /** Paths left out of status and diff output; the same list the PathPolicy uses. Default: defaultDenyPatterns. */
  denyPatterns?: readonly string[];
  /** Longer output is cut; the whole of it is saved as an artifact. Default 60,000 characters. */
  maxOutputCharacters?: number;
}

export const defaultMaxOutputCharacters = 60_000;

/**
 * Git pathspecs that leave denied paths out, matching the PathPolicy's rule: a pattern without a
 * slash matches a name in any folder; a path inside a matching folder is left out too.
 */
export function deniedPathspecs(patterns: readonly string[] = defaultDenyPatterns): string[] {
  const pathspecs: string[] = [];
  for (const pattern of patterns) {
    const anchored = pattern.includes('/') ? pattern : `**/${pattern}`;
    pathspecs.push(`:(exclude,glob,icase)${anchored}`);
    if (!anchored.endsWith('/**')) pathspecs.push(`:(exclude,glob,icase)${anchored}/**`);
  }
  return pathspecs;
}

/** A git failure or cancellation as a tool result. */
export function gitFailure(error: unknown): ToolResult<never> {
  if (error instanceof Error && error.name === 'AbortError') return toolError('cancelled', 'the operation was cancelled');
  if (error instanceof GitError) return toolError('command_failed', error.message);
  return toolError('command_failed', `git could not run: ${error instanceof Error ? error.message : String(error)}`);
}
