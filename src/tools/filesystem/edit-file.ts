import { z } from 'zod';
import { toolError } from '../tool.ts';
import type { Tool } from '../tool.ts';
import { looksBinary, readRegularFile, writeRegularFile } from './file-access.ts';
import { ioFailure, refuseCall } from './filesystem-tool-options.ts';
import type { FilesystemToolOptions } from './filesystem-tool-options.ts';
import { formatNumberedLines, joinLines, splitLines } from './numbered-lines.ts';
import { rangedReadLimitFactor } from './read-file.ts';

/** Lines shown before and after the edited ones, so the model can check the result. */
const contextLines = 3;

const inputSchema = z.object({
  path: z.string().describe('File path relative to the repository root'),
  startLine: z.number().int().min(1).describe('First line to replace (1-based, as filesystem__readFile numbers them)'),
  endLine: z.number().int().min(0).describe('Last line to replace, inclusive. Use startLine - 1 to insert before startLine without replacing'),
  newContent: z.string().describe('Replacement text, without line numbers. Empty deletes the lines'),
});

export type EditFileInput = z.infer<typeof inputSchema>;
export interface EditFileData {
  path: string;
  startLine: number;
  endLine: number;
  insertedLines: number;
  totalLines: number;
  /** The edited lines and a few around them, numbered as the file is now. */
  context: string;
}

export function createEditFileTool(options: FilesystemToolOptions): Tool<EditFileInput, EditFileData> {
  const { policy } = options;
  return {
    name: 'filesystem__editFile',
    description:
      'Replace lines startLine..endLine (inclusive, 1-based) of an existing file with newContent. ' +
      'Insert before line N with startLine N and endLine N-1; append with startLine = line count + 1 and endLine = line count. ' +
      'Read the lines first: line numbers change after every edit. The file keeps its line endings.',
    inputSchema,
    kind: 'edit',
    async execute(input, context) {
      const refused = refuseCall(options, context);
      if (refused) return refused;
      const newBytes = Buffer.byteLength(input.newContent, 'utf8');
      if (newBytes > policy.maxWriteBytes) {
        return toolError('too_large', `newContent is ${newBytes} bytes, over the ${policy.maxWriteBytes}-byte write limit`);
      }

      const resolution = await policy.resolveForWrite(input.path);
      if (!resolution.ok) return toolError(resolution.code, resolution.message);
      const filePath = resolution.relative;
      if (!resolution.exists) return toolError('not_found', `${filePath} does not exist; create it with filesystem__writeFile`);

      const limit = policy.maxReadBytes * rangedReadLimitFactor;
      let read;
      try {
        read = await readRegularFile(resolution.absolute, filePath, limit);
      } catch (error) {
        return ioFailure('read', filePath, error);
      }
      if (!read.ok) {
        const message = read.code === 'too_large' ? `${filePath} is over the ${limit}-byte limit for editing` : read.message;
        return toolError(read.code, message);
      }
      if (looksBinary(read.content)) return toolError('invalid_arguments', `${filePath} is a binary file; it cannot be edited by lines`);

      const file = splitLines(read.content.toString('utf8'));
      const totalLines = file.lines.length;
      const { startLine, endLine } = input;
      if (startLine > totalLines + 1 || endLine > totalLines || endLine < startLine - 1) {
        return toolError(
          'invalid_range',
          `lines ${startLine}-${endLine} are not a range of ${filePath}, which has ${totalLines} lines ` +
            `(replace lines 1-${totalLines} at most; insert before line N with startLine N and endLine N-1; ` +
            `append with startLine ${totalLines + 1} and endLine ${totalLines})`,
        );
      }

      const newLines = input.newContent === '' ? [] : splitLines(input.newContent).lines;
      const lines = [...file.lines];
      lines.splice(startLine - 1, endLine - startLine + 1, ...newLines);
      // A file that was empty gets the usual final newline.
      const edited = joinLines({ ...file, lines, endsWithNewline: file.endsWithNewline || totalLines === 0 });
      try {
        const written = await writeRegularFile(resolution.absolute, filePath, edited);
        if (!written.ok) return toolError(written.code, written.message);
      } catch (error) {
        return ioFailure('write', filePath, error);
      }

      const shownFrom = Math.max(1, startLine - contextLines);
      const shownTo = Math.min(lines.length, startLine + newLines.length - 1 + contextLines);
      const around = formatNumberedLines(lines.slice(shownFrom - 1, shownTo), shownFrom);
      const replaced = endLine - startLine + 1;
      const summary =
        replaced === 0
          ? `inserted ${newLines.length} lines before line ${startLine}`
          : `replaced lines ${startLine}-${endLine} (${replaced} lines) with ${newLines.length} lines`;
      return {
        ok: true,
        data: { path: filePath, startLine, endLine, insertedLines: newLines.length, totalLines: lines.length, context: around },
        text:
          lines.length === 0
            ? `Edited ${filePath}: ${summary}; it is now empty.`
            : `Edited ${filePath}: ${summary}; it now has ${lines.length} lines. Lines ${shownFrom}-${shownTo} now:\n${around}`,
      };
    },
  };
}
