import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { toolError } from '../tool.ts';
import type { Tool } from '../tool.ts';
import { ioFailure, refuseCall } from './filesystem-tool-options.ts';
import type { FilesystemToolOptions } from './filesystem-tool-options.ts';

export const maxListedEntries = 1000;

/** Folders shown but never descended into by a recursive listing. */
const unexpandedFolders = new Set(['node_modules']);

const inputSchema = z.object({
  path: z.string().optional().describe('Folder relative to the repository root; "." for the root'),
  recursive: z.boolean().optional().describe('Also list sub-folders (node_modules is shown but not expanded)'),
});

export type ListDirectoryInput = z.infer<typeof inputSchema>;
export interface DirectoryEntry {
  path: string;
  type: 'file' | 'directory' | 'symlink';
}
export interface ListDirectoryData {
  path: string;
  entries: DirectoryEntry[];
  truncated: boolean;
}

function entryLine(entry: DirectoryEntry): string {
  if (entry.type === 'directory') return `${entry.path}/`;
  if (entry.type === 'symlink') return `${entry.path}@`;
  return entry.path;
}

export function createListDirectoryTool(options: FilesystemToolOptions): Tool<ListDirectoryInput, ListDirectoryData> {
  const { policy } = options;
  return {
    name: 'filesystem__listDirectory',
    description:
      'List a folder of the repository, one path per line relative to the root: folders end in "/", symbolic links in "@". ' +
      `.git and secret files are not shown; at most ${maxListedEntries} entries.`,
    inputSchema,
    kind: 'read',
    async execute(input, context) {
      const refused = refuseCall(options, context);
      if (refused) return refused;
      const resolution = await policy.resolveDirectory(input.path ?? '.');
      if (!resolution.ok) {
        const hint = resolution.code === 'not_a_directory' ? '; use filesystem__readFile for files' : '';
        return toolError(resolution.code, resolution.message + hint);
      }

      // Breadth first, so a capped listing still shows every top-level entry.
      const entries: DirectoryEntry[] = [];
      const pending: Array<{ absolute: string; relative: string }> = [{ absolute: resolution.absolute, relative: resolution.relative }];
      let truncated = false;
      while (pending.length > 0 && !truncated) {
        if (context.signal.aborted) return toolError('cancelled', 'the operation was cancelled');
        const folder = pending.shift()!;
        let children;
        try {
          children = await readdir(folder.absolute, { withFileTypes: true });
        } catch (error) {
          // A sub-folder that vanished or cannot be read is skipped; the requested one must work.
          if (folder.absolute === resolution.absolute) return ioFailure('list', resolution.relative, error);
          continue;
        }
        children.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
        for (const child of children) {
          const relative = folder.relative === '.' ? child.name : `${folder.relative}/${child.name}`;
          if (child.name === '.git' || policy.isDenied(relative)) continue;
          // Devices, FIFOs and sockets are left out: no tool can use them.
          const type = child.isDirectory() ? 'directory' : child.isFile() ? 'file' : child.isSymbolicLink() ? 'symlink' : undefined;
          if (!type) continue;
          if (entries.length >= maxListedEntries) {
            truncated = true;
            break;
          }
          entries.push({ path: relative, type });
          if (input.recursive && type === 'directory' && !unexpandedFolders.has(child.name)) {
            pending.push({ absolute: path.join(folder.absolute, child.name), relative });
          }
        }
      }

      entries.sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : 0));
      const lines = entries.map(entryLine);
      if (entries.length === 0) lines.push(`(${resolution.relative} is empty)`);
      if (truncated) {
        lines.push(`[listing stopped at ${maxListedEntries} entries; list a sub-folder, or search with filesystem__searchFiles]`);
      }
      return { ok: true, data: { path: resolution.relative, entries, truncated }, text: lines.join('\n') };
    },
  };
}
