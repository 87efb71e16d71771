import path from 'node:path';
import type { PathPolicy } from '../safety/path-policy.ts';
import type { Tool } from './tool.ts';
import { toolError } from './tool.ts';

/**
 * With the `refuse` policy, edit tools refuse protected paths before touching them; the model
 * gets an error result it can act on. The path is checked as resolved (symlinks followed), so a
 * link cannot lead around the rule. With `require-admin` the write goes through and the change's
 * approval level is raised instead (see safety/risk-assessment.ts).
 */
export function guardProtectedPaths(tools: Tool[], policy: PathPolicy, isProtected: (relativePath: string) => string | undefined): Tool[] {
  return tools.map((tool): Tool => {
    if (tool.kind !== 'edit') return tool;
    return {
      ...tool,
      execute: async (input, context) => {
        const requested = (input as { path?: unknown }).path;
        if (typeof requested === 'string') {
          const resolved = await policy.resolveForWrite(requested);
          // Also as written with backslashes read as separators: such a name becomes that path on Windows checkouts.
          const asWritten = path.posix.normalize(requested.replace(/\\/g, '/')).replace(/^\.\//, '');
          const pattern = resolved.ok ? (isProtected(resolved.relative) ?? isProtected(asWritten)) : undefined;
          if (pattern)
            return toolError(
              'path_denied',
              `${requested} is a protected path (${pattern}); the policy refuses changes there. Change other files, or ask a human to make this change.`,
            );
        }
        return tool.execute(input, context);
      },
    };
  });
}
