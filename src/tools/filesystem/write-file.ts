import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { toolError } from '../tool.ts';
import type { Tool } from '../tool.ts';
import { writeRegularFile } from './file-access.ts';
import { ioFailure, refuseCall } from './filesystem-tool-options.ts';
import type { FilesystemToolOptions } from './filesystem-tool-options.ts';
import { splitLines } from './numbered-lines.ts';

const inputSchema = z.object({
  path: z.string().describe('File path relative to the repository root; missing folders are created'),
  content: z.string().describe('The complete new content of the file'),
});

export type WriteFileInput = z.infer<typeof inputSchema>;
export interface WriteFileData {
  path: string;
  created: boolean;
  bytesWritten: number;
  lineCount: number;
}

export function createWriteFileTool(options: FilesystemToolOptions): Tool<WriteFileInput, WriteFileData> {
  const { policy } = options;
  return {
    name: 'filesystem__writeFile',
    description:
      'Create a file or replace its whole content. Prefer filesystem__editFile to change part of an existing file. ' +
      `Content is limited to ${policy.maxWriteBytes} bytes.`,
    inputSchema,
    kind: 'edit',
    async execute(input, context) {
      const refused = refuseCall(options, context);
      if (refused) return refused;
      const bytes = Buffer.byteLength(input.content, 'utf8');
      if (bytes > policy.maxWriteBytes) {
        return toolError('too_large', `the content is ${bytes} bytes, over the ${policy.maxWriteBytes}-byte write limit; write a smaller file`);
      }

      const resolution = await policy.resolveForWrite(input.path);
      if (!resolution.ok) return toolError(resolution.code, resolution.message);
      const filePath = resolution.relative;
      try {
        // Only folders below an existing real folder inside the root are created (the policy checked).
        await mkdir(path.dirname(resolution.absolute), { recursive: true });
        const written = await writeRegularFile(resolution.absolute, filePath, input.content);
        if (!written.ok) return toolError(written.code, written.message);
      } catch (error) {
        return ioFailure('write', filePath, error);
      }
      const lineCount = splitLines(input.content).lines.length;
      return {
        ok: true,
        data: { path: filePath, created: !resolution.exists, bytesWritten: bytes, lineCount },
        text: `${resolution.exists ? 'Replaced' : 'Created'} ${filePath} (${lineCount} lines, ${bytes} bytes)`,
      };
    },
  };
}
