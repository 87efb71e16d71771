import fs from 'node:fs';
import path from 'node:path';
import type { Tool } from '../tools/tool.ts';
import { isTestFile } from './change-files.ts';

/** Watches the coder's edits in order, to flag test files changed after the source was. */
export interface EditTracker {
  testEditsAfterSource: string[];
}

export function trackEdits(tools: Tool[], root: string): { tools: Tool[]; tracker: EditTracker } {
  const tracker: EditTracker = { testEditsAfterSource: [] };
  let sourceChanged = false;
  const wrapped = tools.map((tool): Tool => {
    if (tool.kind !== 'edit') return tool;
    return {
      ...tool,
      execute: async (input, context) => {
        const requested = typeof (input as { path?: unknown }).path === 'string' ? ((input as { path: string }).path) : undefined;
        const before = requested ? readOrNull(path.join(root, requested)) : null;
        const result = await tool.execute(input, context);
        if (!result.ok || !requested) return result;
        if (readOrNull(path.join(root, requested)) === before) return result;
        const relative = path.relative(root, path.resolve(root, requested)).split(path.sep).join('/');
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

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
