import type { Tool } from '../tool.ts';
import { createDeleteFileTool } from './delete-file.ts';
import { createEditFileTool } from './edit-file.ts';
import type { FilesystemToolOptions } from './filesystem-tool-options.ts';
import { createListDirectoryTool } from './list-directory.ts';
import { createReadFileTool } from './read-file.ts';
import { createSearchFilesTool } from './search-files.ts';
import { createWriteFileTool } from './write-file.ts';

/** The six filesystem tools, sharing one policy and one rate limiter. */
export function createFilesystemTools(options: FilesystemToolOptions): Tool[] {
  return [
    createReadFileTool(options),
    createWriteFileTool(options),
    createEditFileTool(options),
    createListDirectoryTool(options),
    createSearchFilesTool(options),
    createDeleteFileTool(options),
  ];
}

export type { FilesystemToolOptions } from './filesystem-tool-options.ts';
