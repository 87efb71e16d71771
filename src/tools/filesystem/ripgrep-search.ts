import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { createMatchFilter, shortenMatchText } from './search-match.ts';
import type { SearchMatch, SearchOutcome, SearchRequest } from './search-match.ts';

const searchTimeoutMs = 30_000;
const maxStderrLength = 4_000;

const textOrBytes = z.union([z.object({ text: z.string() }), z.object({ bytes: z.string() })]);
const matchMessage = z.object({
  type: z.literal('match'),
  data: z.object({ path: textOrBytes, lines: textOrBytes, line_number: z.number().int().nullable() }),
});

function decode(value: z.infer<typeof textOrBytes>): string {
  return 'text' in value ? value.text : Buffer.from(value.bytes, 'base64').toString('utf8');
}

/** One line of `rg --json` output as a match, or undefined for every other message. */
function parseMatch(line: string): { path: string; line: number; text: string } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = matchMessage.safeParse(value);
  if (!parsed.success) return undefined;
  const { data } = parsed.data;
  return { path: path.posix.normalize(decode(data.path)), line: data.line_number ?? 0, text: decode(data.lines) };
}

/** Arguments that keep ripgrep inside the policy: no config file, no links followed, deny globs. */
export function ripgrepArguments(request: SearchRequest): string[] {
  const excludes = ['.git', 'node_modules', ...request.policy.denyPatterns];
  return [
    '--json',
    '--no-config',
    '--hidden',
    '--sort=path',
    `--max-filesize=${request.policy.maxReadBytes}`,
    ...excludes.flatMap((pattern) => ['--iglob', `!${pattern}`]),
    '--regexp',
    request.pattern,
    '--',
    request.directory.relative,
  ];
}

/**
 * Searches with ripgrep, which honours .gitignore. Resolves to 'unavailable' when the program
 * cannot be started, so the caller can fall back to the JavaScript search.
 */
export function searchWithRipgrep(command: string, request: SearchRequest): Promise<SearchOutcome | 'unavailable'> {
  return new Promise((resolve) => {
    const child = spawn(command, ripgrepArguments(request), {
      cwd: request.policy.root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RIPGREP_CONFIG_PATH: '' },
    });
    let started = false;
    let stopReason: 'limit' | 'timeout' | 'cancelled' | undefined;
    let stderr = '';
    const matches: SearchMatch[] = [];
    const isShown = createMatchFilter(request.policy);

    const stop = (reason: NonNullable<typeof stopReason>) => {
      stopReason ??= reason;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop('timeout'), searchTimeoutMs);
    const onAbort = () => stop('cancelled');
    request.signal.addEventListener('abort', onAbort, { once: true });

    child.once('spawn', () => {
      started = true;
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < maxStderrLength) stderr += chunk;
    });

    const reading = (async () => {
      try {
        for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
          if (stopReason) continue;
          const match = parseMatch(line);
          if (!match || !(await isShown(match.path))) continue;
          if (matches.length >= request.maxMatches) {
            stop('limit');
            continue;
          }
          matches.push({ ...match, text: shortenMatchText(match.text) });
        }
      } catch {
        // The stream broke because the process was killed or failed; its exit tells the rest.
      }
    })();

    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      request.signal.removeEventListener('abort', onAbort);
      if (!started && error.code === 'ENOENT') {
        resolve('unavailable');
        return;
      }
      resolve({ ok: false, code: 'io_error', message: `ripgrep failed: ${error.message}` });
    });

    child.once('close', (exitCode) => {
      clearTimeout(timer);
      request.signal.removeEventListener('abort', onAbort);
      void reading.then(() => {
        if (stopReason === 'cancelled') {
          resolve({ ok: false, code: 'cancelled', message: 'the operation was cancelled' });
        } else if (stopReason === 'limit') {
          resolve({ ok: true, matches, truncated: true });
        } else if (stopReason === 'timeout') {
          resolve({ ok: true, matches, truncated: true, note: `the search stopped after ${searchTimeoutMs / 1000} s` });
        } else if (exitCode === 2 && matches.length === 0) {
          // Exit code 2 is an error; with matches it was only some unreadable file.
          const invalidPattern = /regex|parse error/i.test(stderr);
          resolve({
            ok: false,
            code: invalidPattern ? 'invalid_arguments' : 'io_error',
            message: invalidPattern ? `invalid regular expression: ${stderr.trim()}` : `ripgrep failed: ${stderr.trim()}`,
          });
        } else {
          resolve({ ok: true, matches, truncated: false });
        }
      });
    });
  });
}
