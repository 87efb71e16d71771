import { z } from 'zod';
import { toolError } from '../tool.ts';
import type { Tool } from '../tool.ts';
import { refuseCall } from './filesystem-tool-options.ts';
import type { FilesystemToolOptions } from './filesystem-tool-options.ts';
import { searchWithJavaScript } from './javascript-search.ts';
import { searchWithRipgrep } from './ripgrep-search.ts';
import type { SearchMatch, SearchOutcome, SearchRequest } from './search-match.ts';

export const maxSearchMatches = 200;

/** ripgrep programs found missing in this process, so the fallback is chosen at once next time. */
const missingRipgrepCommands = new Set<string>();

const inputSchema = z.object({
  pattern: z.string().min(1).describe('Regular expression searched for in each line, e.g. "function\\s+parseConfig"'),
  directory: z.string().optional().describe('Folder to search, relative to the repository root. Default: the whole repository'),
});

export type SearchFilesInput = z.infer<typeof inputSchema>;
export interface SearchFilesData {
  pattern: string;
  directory: string;
  matches: SearchMatch[];
  truncated: boolean;
  engine: 'ripgrep' | 'javascript';
}

async function search(command: string | false, request: SearchRequest): Promise<{ outcome: SearchOutcome; engine: SearchFilesData['engine'] }> {
  if (command !== false && !missingRipgrepCommands.has(command)) {
    const outcome = await searchWithRipgrep(command, request);
    if (outcome !== 'unavailable') return { outcome, engine: 'ripgrep' };
    missingRipgrepCommands.add(command);
  }
  return { outcome: await searchWithJavaScript(request), engine: 'javascript' };
}

export function createSearchFilesTool(options: FilesystemToolOptions): Tool<SearchFilesInput, SearchFilesData> {
  const { policy } = options;
  return {
    name: 'filesystem__searchFiles',
    description:
      'Search the repository\'s text files for a regular expression; answers "path:line: text" lines. ' +
      `Skips .git, node_modules, ignored, binary and secret files; at most ${maxSearchMatches} matches.`,
    inputSchema,
    kind: 'read',
    async execute(input, context) {
      const refused = refuseCall(options, context);
      if (refused) return refused;
      const directory = await policy.resolveDirectory(input.directory ?? '.');
      if (!directory.ok) return toolError(directory.code, directory.message);

      const { outcome, engine } = await search(options.ripgrepCommand ?? 'rg', {
        policy,
        pattern: input.pattern,
        directory,
        maxMatches: maxSearchMatches,
        signal: context.signal,
      });
      if (!outcome.ok) return toolError(outcome.code, outcome.message);

      const lines = outcome.matches.map((match) => `${match.path}:${match.line}: ${match.text}`);
      if (lines.length === 0) lines.push(`No matches for /${input.pattern}/ in ${directory.relative}`);
      if (outcome.truncated) {
        lines.push(`[${outcome.note ?? `stopped at ${maxSearchMatches} matches`}; narrow the pattern or search a sub-folder]`);
      }
      return {
        ok: true,
        data: { pattern: input.pattern, directory: directory.relative, matches: outcome.matches, truncated: outcome.truncated, engine },
        text: lines.join('\n'),
      };
    },
  };
}
