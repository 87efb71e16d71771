import { z } from 'zod';
import { toolError } from '../tool.ts';
import type { Tool } from '../tool.ts';
import { looksBinary, readRegularFile } from './file-access.ts';
import { ioFailure, refuseCall } from './filesystem-tool-options.ts';
import type { FilesystemToolOptions } from './filesystem-tool-options.ts';
import { formatNumberedLines, splitLines } from './numbered-lines.ts';

/**
 * Without a line range a file may be up to the policy's read limit. With a range the whole file
 * may be up to this many times the limit (it is read whole, then cut), and the lines returned must
 * still fit the limit.
 */
export const rangedReadLimitFactor = 5;

const inputSchema = z.object({
  path: z.string().describe('File path relative to the repository root, e.g. "src/index.ts"'),
  startLine: z.number().int().min(1).optional().describe('First line to return (1-based). Default: 1'),
  endLine: z.number().int().min(1).optional().describe('Last line to return, inclusive. Default: the last line'),
});

export type ReadFileInput = z.infer<typeof inputSchema>;

export type ReadFileData =
  { path: string; binary: false; startLine: number; endLine: number; totalLines: number; content: string } | { path: string; binary: true; sizeBytes: number };

export function createReadFileTool(options: FilesystemToolOptions): Tool<ReadFileInput, ReadFileData> {
  const { policy } = options;
  return {
    name: 'filesystem__readFile',
    description:
      'Read a text file of the repository. Lines come numbered ("12<TAB>text"); the numbers are not part of the file. ' +
      `Files over ${policy.maxReadBytes} bytes need a line range (startLine, endLine) and can be up to ${rangedReadLimitFactor}x that size.`,
    inputSchema,
    kind: 'read',
    async execute(input, context) {
      const refused = refuseCall(options, context);
      if (refused) return refused;
      const ranged = input.startLine !== undefined || input.endLine !== undefined;
      if (input.startLine !== undefined && input.endLine !== undefined && input.endLine < input.startLine) {
        return toolError('invalid_range', `endLine ${input.endLine} is before startLine ${input.startLine}`);
      }

      const resolution = await policy.resolveForRead(input.path);
      if (!resolution.ok) {
        const hint = resolution.code === 'not_a_file' ? '; use filesystem__listDirectory for folders' : '';
        return toolError(resolution.code, resolution.message + hint);
      }
      const filePath = resolution.relative;

      const limit = ranged ? policy.maxReadBytes * rangedReadLimitFactor : policy.maxReadBytes;
      let read;
      try {
        read = await readRegularFile(resolution.absolute, filePath, limit);
      } catch (error) {
        return ioFailure('read', filePath, error);
      }
      if (!read.ok) {
        if (read.code !== 'too_large') return toolError(read.code, read.message);
        const size = read.sizeBytes ?? limit;
        const advice =
          ranged || size > policy.maxReadBytes * rangedReadLimitFactor
            ? `files over ${policy.maxReadBytes * rangedReadLimitFactor} bytes cannot be read even in parts; use filesystem__searchFiles to find what you need`
            : 'read part of it with startLine and endLine, or find lines with filesystem__searchFiles';
        return toolError('too_large', `${filePath} is ${size} bytes, over the ${policy.maxReadBytes}-byte read limit; ${advice}`);
      }
      if (looksBinary(read.content)) {
        return {
          ok: true,
          data: { path: filePath, binary: true, sizeBytes: read.content.length },
          text: `${filePath} is a binary file (${read.content.length} bytes); its contents are not shown`,
        };
      }

      const { lines } = splitLines(read.content.toString('utf8'));
      const totalLines = lines.length;
      const startLine = input.startLine ?? 1;
      if (startLine > Math.max(totalLines, 1)) {
        return toolError('invalid_range', `startLine ${startLine} is past the end of ${filePath}, which has ${totalLines} lines`);
      }
      const endLine = Math.min(input.endLine ?? totalLines, totalLines);
      const content = formatNumberedLines(lines.slice(startLine - 1, endLine), startLine);
      if (Buffer.byteLength(content) > policy.maxReadBytes) {
        return toolError('too_large', `lines ${startLine}-${endLine} of ${filePath} are over the ${policy.maxReadBytes}-byte read limit; ask for fewer lines`);
      }

      const data: ReadFileData = { path: filePath, binary: false, startLine, endLine, totalLines, content };
      if (totalLines === 0) return { ok: true, data, text: `${filePath} is empty (0 lines)` };
      const clamped = input.endLine !== undefined && input.endLine > totalLines ? ` (the file ends at line ${totalLines})` : '';
      return { ok: true, data, text: `${filePath}, lines ${startLine}-${endLine} of ${totalLines}${clamped}:\n${content}` };
    },
  };
}
