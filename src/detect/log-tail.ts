import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** A line longer than this is passed on cut to this length and the rest of it is skipped, so a log without newlines cannot grow Mender's memory. */
export const maxLogLineLength = 64 * 1024;

export interface LogFileConfig {
  path: string;
  project: string;
}

/**
 * Follows log files like `tail -F`: starts at the current end, reads appended lines every
 * `intervalMs`, starts over from the top when the file is truncated or replaced (rotation:
 * another inode), and waits while it does not exist. Only whole lines are passed on; a line
 * past maxLogLineLength is passed on cut, once, and the rest of it up to its newline dropped.
 */
export function startLogTails(
  files: readonly LogFileConfig[],
  onLine: (file: LogFileConfig, line: string) => Promise<void>,
  onError: (error: unknown) => void,
  intervalMs = 1000,
): () => void {
  const timers = files.map((file) => {
    let position: number | undefined;
    let inode: number | undefined;
    let partial = '';
    // Inside a line already passed on cut: drop text until its newline.
    let skipping = false;
    let decoder = new StringDecoder('utf8');
    let busy = false;
    const poll = async () => {
      if (busy) return;
      busy = true;
      try {
        let stat: fs.Stats;
        try {
          stat = fs.statSync(file.path);
        } catch {
          return;
        }
        if (position === undefined) {
          position = stat.size;
          inode = stat.ino;
          return;
        }
        if (stat.ino !== inode || stat.size < position) {
          position = 0;
          inode = stat.ino;
          partial = '';
          skipping = false;
          decoder = new StringDecoder('utf8');
        }
        if (stat.size === position) return;
        const length = Math.min(stat.size - position, 8 * 1024 * 1024);
        const buffer = Buffer.alloc(length);
        const handle = fs.openSync(file.path, 'r');
        try {
          fs.readSync(handle, buffer, 0, length, position);
        } finally {
          fs.closeSync(handle);
        }
        position += length;
        // The decoder keeps a character split across two reads whole.
        const lines = (partial + decoder.write(buffer)).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (skipping) skipping = false;
          else await onLine(file, line.slice(0, maxLogLineLength));
        }
        if (partial.length > maxLogLineLength) {
          if (!skipping) await onLine(file, partial.slice(0, maxLogLineLength));
          skipping = true;
          partial = '';
        }
      } catch (error) {
        onError(error);
      } finally {
        busy = false;
      }
    };
    void poll();
    return setInterval(() => void poll(), intervalMs);
  });
  return () => timers.forEach((timer) => clearInterval(timer));
}
