import crypto from 'node:crypto';
import { toolError, type Tool } from '../tools/tool.ts';
import type { WorktreeManager } from '../workspace/worktree-manager.ts';

/**
 * Tools that run repository code (tests, builds, linters) over /mcp act on a throwaway detached
 * worktree of the checkout's HEAD, removed after the call: whatever the code writes never
 * reaches the registered checkout, whose files change only through an operation's change gate.
 * The run sees committed code, not uncommitted edits in the checkout.
 */
export function inThrowawayWorktree(tools: Tool[], options: { checkout: string; worktrees: WorktreeManager }): Tool[] {
  return tools.map((tool) => ({
    ...tool,
    description: `${tool.description} Runs on a fresh copy of the checkout's last commit (uncommitted changes are not included).`,
    async execute(input, context) {
      const name = `mcp-${crypto.randomUUID()}`;
      let root: string;
      try {
        root = await options.worktrees.createDetached(options.checkout, name, 'HEAD');
      } catch (error) {
        return toolError('io_error', `could not prepare a worktree of the checkout to run in: ${(error as Error).message}`);
      }
      try {
        return await tool.execute(input, { ...context, root });
      } finally {
        await options.worktrees.remove(options.checkout, name);
      }
    },
  }));
}
