import path from 'node:path';
import type { Tool } from '../tools/tool.ts';
import { toolError } from '../tools/tool.ts';

/**
 * With the `refuse` policy, edit tools refuse protected paths before touching them; the model
 * gets an error result it can act on. With `require-admin` the write goes through and the
 * change's approval level is raised instead (see risk-assessment.ts).
 */
export function guardProtectedPaths(tools: Tool[], isProtected: (relativePath: string) => string | undefined): Tool[] {
  return tools.map((tool): Tool => {
    if (tool.kind !== 'edit') return tool;
    return {
      ...tool,
      execute: async (input, context) => {
        const requested = (input as { path?: unknown }).path;
        if (typeof requested === 'string') {
          const pattern = isProtected(path.posix.normalize(requested.replace(/\\/g, '/')).replace(/^\.\//, ''));
          if (pattern) return toolError('path_denied', `${requested} is a protected path (${pattern}); the policy refuses changes there. Change other files, or ask a human to make this change.`);
        }
        return tool.execute(input, context);
      },
    };
  });
}
