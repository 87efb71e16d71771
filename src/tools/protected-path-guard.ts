import path from 'node:path';
import type { PathPolicy } from '../safety/path-policy.ts';
import type { Tool, ToolResult } from './tool.ts';
import { toolError } from './tool.ts';

/** A matcher of root-relative paths: the pattern that matched, or undefined. */
export type ProtectedPathMatcher = (relativePath: string) => string | undefined;

/** The request as written, with backslashes read as separators: such a name becomes that path on Windows checkouts. */
function asWritten(requested: string): string {
  return path.posix.normalize(requested.replace(/\\/g, '/')).replace(/^(\.\/)+/, '');
}

/** Each edit tool runs `refusal` first: a result there is what the model gets instead of the edit. */
function beforeEdits(tools: Tool[], refusal: (tool: Tool, requested: unknown) => Promise<ToolResult<never> | undefined>): Tool[] {
  return tools.map((tool): Tool => {
    if (tool.kind !== 'edit') return tool;
    return {
      ...tool,
      execute: async (input, context) => (await refusal(tool, (input as { path?: unknown }).path)) ?? tool.execute(input, context),
    };
  });
}

/**
 * With the `refuse` policy, edit tools refuse protected paths before touching them; the model
 * gets an error result it can act on. The path is checked as resolved (symlinks followed), so a
 * link cannot lead around the rule. With `require-admin` the write goes through and the change's
 * approval level is raised instead (see safety/risk-assessment.ts).
 */
export function guardProtectedPaths(tools: Tool[], policy: PathPolicy, isProtected: ProtectedPathMatcher): Tool[] {
  return beforeEdits(tools, async (_tool, requested) => {
    if (typeof requested !== 'string') return undefined;
    const resolved = await policy.resolveForWrite(requested);
    const pattern = resolved.ok ? (isProtected(resolved.relative) ?? isProtected(asWritten(requested))) : undefined;
    if (!pattern) return undefined;
    return toolError(
      'path_denied',
      `${requested} is a protected path (${pattern}); the policy refuses changes there. Change other files, or ask a human to make this change.`,
    );
  });
}

/**
 * In Mender's own repository the self-protected files (safety/self-protected-paths.ts) are out of
 * every edit tool's reach, whatever `protectedPathAction` says. Stricter than guardProtectedPaths:
 * the path as written is checked even when it does not resolve (deleting a dangling link), and an
 * edit tool whose input names no `path` is refused, so a tool added later cannot slip past.
 */
export function guardSelfProtectedPaths(tools: Tool[], policy: PathPolicy, isSelfProtected: ProtectedPathMatcher): Tool[] {
  return beforeEdits(tools, async (tool, requested) => {
    if (typeof requested !== 'string')
      return toolError(
        'path_denied',
        `${tool.name} names no path, so Mender's self-protected files cannot be told apart; it is refused in Mender's own repository`,
      );
    const resolved = await policy.resolveForWrite(requested);
    const pattern = (resolved.ok ? isSelfProtected(resolved.relative) : undefined) ?? isSelfProtected(asWritten(requested));
    if (!pattern) return undefined;
    return toolError(
      'path_denied',
      `${requested} is one of Mender's self-protected files (${pattern}): the supervisor, its settings, the policy and the tests of record that judge a new version are out of the agent's reach, whatever the task says. Leave it as it is and change other files; a person changes these by hand (an admin, with a second person's review).`,
    );
  });
}
