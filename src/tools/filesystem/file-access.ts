import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';

/**
 * File I/O on paths the PathPolicy already accepted, re-checked on the open descriptor so that a
 * file swapped for a link, FIFO or hard link between the check and the use is still refused.
 */

export type FileAccessFailure = { ok: false; code: 'path_denied' | 'not_found' | 'too_large'; message: string; sizeBytes?: number };

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function checkDescriptor(displayPath: string, stats: Stats): FileAccessFailure | undefined {
  if (!stats.isFile()) return { ok: false, code: 'path_denied', message: `${displayPath} is not a regular file` };
  if (stats.nlink > 1) {
    return { ok: false, code: 'path_denied', message: `${displayPath} has ${stats.nlink} hard links and is refused` };
  }
  return undefined;
}

async function openChecked(absolute: string, displayPath: string, flags: number): Promise<{ ok: true; handle: FileHandle; stats: Stats } | FileAccessFailure> {
  let handle: FileHandle;
  try {
    // O_NOFOLLOW: the policy returned a path free of links; a link here appeared since.
    // O_NONBLOCK: opening a FIFO must not hang waiting for a writer or reader.
    handle = await open(absolute, flags | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o644);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ELOOP') return { ok: false, code: 'path_denied', message: `${displayPath} is a symbolic link` };
    if (code === 'ENXIO') return { ok: false, code: 'path_denied', message: `${displayPath} is not a regular file` };
    if (code === 'ENOENT') return { ok: false, code: 'not_found', message: `${displayPath} does not exist` };
    throw error;
  }
  const stats = await handle.stat();
  const refusal = checkDescriptor(displayPath, stats);
  if (refusal) {
    await handle.close();
    return refusal;
  }
  return { ok: true, handle, stats };
}

/** Reads a whole regular file, or reports too_large (with its size) past limitBytes. */
export async function readRegularFile(absolute: string, displayPath: string, limitBytes: number): Promise<{ ok: true; content: Buffer } | FileAccessFailure> {
  const opened = await openChecked(absolute, displayPath, constants.O_RDONLY);
  if (!opened.ok) return opened;
  const { handle, stats } = opened;
  try {
    if (stats.size > limitBytes) {
      return { ok: false, code: 'too_large', message: `${displayPath} is ${stats.size} bytes`, sizeBytes: stats.size };
    }
    // One byte more than fstat promised tells that the file grew since; past the limit is refused.
    const buffer = Buffer.alloc(Math.min(stats.size, limitBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > limitBytes) {
      return { ok: false, code: 'too_large', message: `${displayPath} is over ${limitBytes} bytes`, sizeBytes: length };
    }
    return { ok: true, content: buffer.subarray(0, length) };
  } finally {
    await handle.close();
  }
}

/** Replaces a regular file's content, creating the file (not its folders) when missing. */
export async function writeRegularFile(absolute: string, displayPath: string, content: string): Promise<{ ok: true } | FileAccessFailure> {
  // No O_TRUNC: the descriptor is checked before anything is changed.
  const opened = await openChecked(absolute, displayPath, constants.O_WRONLY | constants.O_CREAT);
  if (!opened.ok) return opened;
  const { handle } = opened;
  try {
    await handle.truncate(0);
    await handle.writeFile(content, 'utf8');
    return { ok: true };
  } finally {
    await handle.close();
  }
}

/** A file is shown as binary when it has a NUL byte near its start, as git and ripgrep decide. */
export function looksBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}
