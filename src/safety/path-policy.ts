import { realpathSync } from 'node:fs';
import { lstat, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';

/**
 * Files the agent can neither read nor write, and which listings and searches hide. Matched,
 * case-insensitively, against the base name or the whole root-relative path of a file and of every
 * folder containing it.
 */
export const defaultDenyPatterns: readonly string[] = [
  '.env',
  '.env.*',
  '*.pem',
  '*.key',
  'id_rsa*',
  'id_ed25519*',
  'credentials.*',
  'secrets.*',
  '.npmrc',
  '.pypirc',
  '.netrc',
  '.git/**',
];

export interface PathPolicyOptions {
  /** The jail: the worktree the agent works in. Resolved with realpath. */
  root: string;
  /** Replaces defaultDenyPatterns; pass [...defaultDenyPatterns, ...more] to extend them. */
  denyPatterns?: readonly string[];
  maxReadBytes?: number;
  maxWriteBytes?: number;
  /**
   * Folders denied by real path wherever they lie, with everything in them: Mender's data folder
   * (database, admin token), which must stay out of reach even inside the repository root.
   */
  deniedFolders?: readonly string[];
}

/** The ways a path can be refused; each is also a ToolErrorCode. */
export type PathRefusalCode = 'invalid_arguments' | 'path_outside_root' | 'path_denied' | 'not_found' | 'not_a_file' | 'not_a_directory' | 'io_error';

export type PathRefusal = { ok: false; code: PathRefusalCode; message: string };

export type PathResolution =
  | {
      ok: true;
      /** Real absolute path, free of symbolic links: the one to open. */
      absolute: string;
      /** Root-relative path with forward slashes ('.' for the root). */
      relative: string;
      /** False when a write would create the file. */
      exists: boolean;
    }
  | PathRefusal;

export interface PathPolicy {
  readonly root: string;
  readonly denyPatterns: readonly string[];
  readonly maxReadBytes: number;
  readonly maxWriteBytes: number;
  /** True for `.git` and anything under it, and for paths matching a deny pattern. */
  isDenied(relativePath: string): boolean;
  /** An existing regular file the agent may read. */
  resolveForRead(requested: string): Promise<PathResolution>;
  /** An existing directory the agent may list or search. */
  resolveDirectory(requested: string): Promise<PathResolution>;
  /** A regular file, existing or not, the agent may write or delete. */
  resolveForWrite(requested: string): Promise<PathResolution>;
}

const pseudoFilesystems = ['/proc', '/sys', '/dev'];

function refuse(code: PathRefusalCode, message: string): PathRefusal {
  return { ok: false, code, message };
}

/** Turns a glob into a regular expression: `*` and `?` stay within one path segment, `**` crosses them. */
export function globToRegularExpression(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const character = pattern[index]!;
    if (character === '*' && pattern[index + 1] === '*') {
      index += 1;
      if (pattern[index + 1] === '/') {
        index += 1;
        source += '(?:.*/)?';
      } else {
        source += '.*';
      }
    } else if (character === '*') {
      source += '[^/]*';
    } else if (character === '?') {
      source += '[^/]';
    } else {
      source += character.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 'i');
}

function toPosix(relative: string): string {
  return relative === '' ? '.' : relative.split(path.sep).join('/');
}

function describeFileType(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function isUnderPseudoFilesystem(absolute: string): boolean {
  return pseudoFilesystems.some((prefix) => absolute === prefix || absolute.startsWith(`${prefix}/`));
}

/** Builds the policy for one worktree. Throws when the root does not exist or cannot be a jail. */
/**
 * Why a root-relative path (posix separators) is off limits under these deny patterns, or
 * undefined: `.git` anywhere in it, or a pattern matching any segment or leading part.
 */
export function createDenialReason(denyPatterns: readonly string[]): (relative: string) => string | undefined {
  const compiled = denyPatterns.map((pattern) => ({ pattern, expression: globToRegularExpression(pattern) }));
  return (relative) => {
    if (relative === '.') return undefined;
    const segments = relative.split('/');
    for (let index = 0; index < segments.length; index += 1) {
      const segment = segments[index]!;
      const prefix = segments.slice(0, index + 1).join('/');
      if (segment.toLowerCase() === '.git') {
        return `${prefix === relative ? relative : `${relative} is inside ${prefix}, which`} is git's own data; the pipeline manages it and the agent may not read or change it`;
      }
      for (const { pattern, expression } of compiled) {
        if (expression.test(segment) || expression.test(prefix)) {
          const subject = prefix === relative ? relative : `${relative} is inside ${prefix}, which`;
          return `${subject} matches the deny pattern "${pattern}"; files that may hold secrets are not readable or writable by the agent`;
        }
      }
    }
    return undefined;
  };
}

/** True for root-relative paths the deny list covers (for code that has no PathPolicy, like the sandbox). */
export function createDenyMatcher(denyPatterns: readonly string[]): (relative: string) => boolean {
  const denialOf = createDenialReason(denyPatterns);
  return (relative) => denialOf(relative) !== undefined;
}

export function createPathPolicy(options: PathPolicyOptions): PathPolicy {
  const root = realpathSync.native(options.root);
  if (root === path.parse(root).root) throw new Error(`path policy root cannot be the filesystem root (${root})`);
  if (isUnderPseudoFilesystem(root)) throw new Error(`path policy root cannot be under /proc, /sys or /dev (${root})`);

  const denyPatterns = [...(options.denyPatterns ?? defaultDenyPatterns)];
  const maxReadBytes = options.maxReadBytes ?? 1_048_576;
  const maxWriteBytes = options.maxWriteBytes ?? 512_000;

  function isInsideRoot(absolute: string): boolean {
    return absolute === root || absolute.startsWith(`${root}${path.sep}`);
  }

  const denialByPattern = createDenialReason(denyPatterns);
  const deniedInside = (options.deniedFolders ?? []).flatMap((folder) => {
    let real: string;
    try {
      real = realpathSync.native(folder);
    } catch {
      return [];
    }
    // A root inside the folder (a clone Mender keeps in its data folder) sees none of the rest of it anyway.
    if (real === root) return [];
    return isInsideRoot(real) ? [toPosix(path.relative(root, real))] : [];
  });
  const denialOf = (relative: string): string | undefined => {
    const folder = deniedInside.find((denied) => relative === denied || relative.startsWith(`${denied}/`));
    if (folder !== undefined)
      return `${relative === folder ? relative : `${relative} is inside ${folder}, which`} is Mender's data folder (its database and tokens); no tool may read or change it`;
    return denialByPattern(relative);
  };

  /** Checks that need no filesystem access: the request's form, escapes, .git and deny patterns. */
  function checkRequested(requested: string): { absolute: string; relative: string } | PathRefusal {
    if (typeof requested !== 'string') return refuse('invalid_arguments', 'the path must be a string');
    if (requested.includes('\0')) return refuse('invalid_arguments', 'the path contains a NUL character');
    const request = requested === '' ? '.' : requested;

    if (path.isAbsolute(request)) {
      const absolute = path.resolve(request);
      const hint = isInsideRoot(absolute) ? ` ("${toPosix(path.relative(root, absolute))}" here)` : '';
      return refuse('path_outside_root', `"${request}" is an absolute path; use paths relative to the repository root${hint}, e.g. "src/index.ts"`);
    }
    const absolute = path.resolve(root, request);
    const relative = path.relative(root, absolute);
    if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
      return refuse('path_outside_root', `"${request}" leads outside the repository root; only paths inside it are allowed`);
    }
    const relativePosix = toPosix(relative);
    const denial = denialOf(relativePosix);
    if (denial) return refuse('path_denied', denial);
    return { absolute, relative: relativePosix };
  }

  /** Checks the real location a request leads to: still inside, still allowed. */
  function checkReal(request: string, real: string): { relative: string } | PathRefusal {
    if (!isInsideRoot(real)) {
      return refuse('path_outside_root', `"${request}" goes through a symbolic link that leads outside the repository root; only paths inside it are allowed`);
    }
    if (isUnderPseudoFilesystem(real)) return refuse('path_denied', `"${request}" leads into /proc, /sys or /dev`);
    const relative = toPosix(path.relative(root, real));
    const denial = denialOf(relative);
    if (denial) return refuse('path_denied', `"${request}" is a symbolic link to ${relative}: ${denial}`);
    return { relative };
  }

  function checkRegularFile(request: string, stats: Stats): PathRefusal | undefined {
    if (stats.isDirectory()) return refuse('not_a_file', `${request} is a directory, not a file`);
    if (!stats.isFile()) {
      return refuse('path_denied', `${request} is ${describeFileType(stats)}; only regular files can be read or written`);
    }
    if (stats.nlink > 1) {
      return refuse(
        'path_denied',
        `${request} has ${stats.nlink} hard links; a hard-linked file may be the same file as one outside the repository, so it is refused`,
      );
    }
    return undefined;
  }

  function fileSystemRefusal(request: string, error: unknown): PathRefusal {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return refuse('not_found', `${request} does not exist (paths are relative to the repository root)`);
    }
    if (code === 'ELOOP') return refuse('path_denied', `${request} goes through a loop of symbolic links`);
    return refuse('io_error', `${request} could not be inspected: ${error instanceof Error ? error.message : String(error)}`);
  }

  async function resolveExisting(requested: string, expect: 'file' | 'directory'): Promise<PathResolution> {
    const checked = checkRequested(requested);
    if ('ok' in checked) return checked;
    const request = checked.relative;
    let real: string;
    let stats: Stats;
    try {
      real = await realpath(checked.absolute);
    } catch (error) {
      return fileSystemRefusal(request, error);
    }
    const inside = checkReal(request, real);
    if ('ok' in inside) return inside;
    try {
      stats = await stat(real);
    } catch (error) {
      return fileSystemRefusal(request, error);
    }
    if (expect === 'directory') {
      if (!stats.isDirectory()) return refuse('not_a_directory', `${request} is a file, not a directory`);
    } else {
      const refusal = checkRegularFile(request, stats);
      if (refusal) return refusal;
    }
    return { ok: true, absolute: real, relative: inside.relative, exists: true };
  }

  async function resolveForWrite(requested: string): Promise<PathResolution> {
    const checked = checkRequested(requested);
    if ('ok' in checked) return checked;
    const request = checked.relative;

    // Find the deepest part of the path that exists; the rest will be created beneath it.
    let existing = checked.absolute;
    const missing: string[] = [];
    for (;;) {
      try {
        await lstat(existing);
        break;
      } catch (error) {
        const code = errorCode(error);
        if ((code !== 'ENOENT' && code !== 'ENOTDIR') || existing === root) return fileSystemRefusal(request, error);
        missing.unshift(path.basename(existing));
        existing = path.dirname(existing);
      }
    }

    let real: string;
    try {
      real = await realpath(existing);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') {
        // lstat found it but realpath cannot follow it: a symbolic link to nothing, whose target
        // could be anywhere once created.
        const linkPath = toPosix(path.relative(root, existing));
        return refuse('path_denied', `${linkPath} is a symbolic link to a missing target; writing through it is refused`);
      }
      return fileSystemRefusal(request, error);
    }
    const target = path.join(real, ...missing);
    const inside = checkReal(request, target);
    if ('ok' in inside) return inside;

    let stats: Stats;
    try {
      stats = await stat(real);
    } catch (error) {
      return fileSystemRefusal(request, error);
    }
    if (missing.length === 0) {
      const refusal = checkRegularFile(request, stats);
      if (refusal) return refusal;
    } else if (!stats.isDirectory()) {
      const blocker = toPosix(path.relative(root, real));
      return refuse('not_a_directory', `${request} cannot be created: ${blocker} is a file, not a directory`);
    }
    return { ok: true, absolute: target, relative: inside.relative, exists: missing.length === 0 };
  }

  return {
    root,
    denyPatterns,
    maxReadBytes,
    maxWriteBytes,
    isDenied: (relativePath) => denialOf(toPosix(path.normalize(relativePath)).replace(/\/+$/, '') || '.') !== undefined,
    resolveForRead: (requested) => resolveExisting(requested, 'file'),
    resolveDirectory: (requested) => resolveExisting(requested, 'directory'),
    resolveForWrite,
  };
}
