import fs from 'node:fs';
import type { Tool } from '../tools/tool.ts';
import type { PathPolicy } from '../safety/path-policy.ts';
import { isTestFile } from './change-files.ts';

/** Watches the coder's edits in order, to flag test files changed after the source was. */
export interface EditTracker {
  testEditsAfterSource: string[];
}

export function trackEdits(tools: Tool[], policy: PathPolicy): { tools: Tool[]; tracker: EditTracker } {
  const tracker: EditTracker = { testEditsAfterSource: [] };
  let sourceChanged = false;
  const wrapped = tools.map((tool): Tool => {
    if (tool.kind !== 'edit') return tool;
    return {
      ...tool,
      execute: async (input, context) => {
        const requested = typeof (input as { path?: unknown }).path === 'string' ? (input as { path: string }).path : undefined;
        // Only through the jail: a FIFO, a device or a path outside is never opened here.
        const resolved = requested ? await policy.resolveForWrite(requested) : undefined;
        if (!resolved?.ok) return tool.execute(input, context);
        const before = readOrNull(resolved.absolute, policy.maxReadBytes);
        const result = await tool.execute(input, context);
        if (!result.ok) return result;
        if (readOrNull(resolved.absolute, policy.maxReadBytes) === before) return result;
        const relative = resolved.relative;
        if (isTestFile(relative)) {
          if (sourceChanged && !tracker.testEditsAfterSource.includes(relative)) tracker.testEditsAfterSource.push(relative);
        } else {
          sourceChanged = true;
        }
        return result;
      },
    };
  });
  return { tools: wrapped, tracker };
}

/** A regular file's content (null when absent, not a file, or too large to compare). */
function readOrNull(file: string, limit: number): string | null {
  try {
    const stat = fs.lstatSync(file);
    if (!stat.isFile() || stat.size > limit) return null;
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
