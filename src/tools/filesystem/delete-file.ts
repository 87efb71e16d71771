import { lstat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { toolError } from '../tool.ts';
import type { Tool } from '../tool.ts';
import { ioFailure, refuseCall } from './filesystem-tool-options.ts';
import type { FilesystemToolOptions } from './filesystem-tool-options.ts';

const inputSchema = z.object({
  path: z.string().describe('File path relative to the repository root'),
});

export type DeleteFileInput = z.infer<typeof inputSchema>;
export interface DeleteFileData {
  path: string;
  symbolicLink: boolean;
}

export function createDeleteFileTool(options: FilesystemToolOptions): Tool<DeleteFileInput, DeleteFileData> {
  const { policy } = options;
  return {
    name: 'filesystem__deleteFile',
    description: 'Delete one file of the repository (not a folder). A symbolic link is removed, not its target.',
    inputSchema,
    kind: 'edit',
    async execute(input, context) {
      const refused = refuseCall(options, context);
      if (refused) return refused;

      // The folder is resolved through the policy; the entry itself is looked at without following
      // it, so that deleting a link never deletes the file it points to.
      const name = path.posix.basename(input.path);
      if (name === '' || name === '.' || name === '..') {
        return toolError('invalid_arguments', `"${input.path}" does not name a file`);
      }
      const folder = await policy.resolveDirectory(path.posix.dirname(input.path));
      if (!folder.ok) return toolError(folder.code, folder.message);
      const relative = folder.relative === '.' ? name : `${folder.relative}/${name}`;
      const entry = path.join(folder.absolute, name);

      let isLink = false;
      try {
        isLink = (await lstat(entry)).isSymbolicLink();
      } catch {
        // Missing or unreadable: the policy below gives the precise refusal.
      }
      let target = entry;
      if (!isLink || policy.isDenied(relative)) {
        const resolution = await policy.resolveForWrite(relative);
        if (!resolution.ok) return toolError(resolution.code, resolution.message);
        if (!resolution.exists) return toolError('not_found', `${relative} does not exist`);
        target = resolution.absolute;
      }
      try {
        await unlink(target);
      } catch (error) {
        return ioFailure('delete', relative, error);
      }
      return {
        ok: true,
        data: { path: relative, symbolicLink: isLink },
        text: isLink ? `Deleted the symbolic link ${relative} (its target is untouched)` : `Deleted ${relative}`,
      };
    },
  };
}
