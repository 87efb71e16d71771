import fs from 'node:fs';

export interface LogFileConfig {
  path: string;
  project: string;
}

/**
 * Follows log files like `tail -F`: starts at the current end, reads appended lines every
 * `intervalMs`, starts over from the top when the file is truncated or replaced (rotation:
 * another inode), and waits while it does not exist. Only whole lines are passed on.
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
        const lines = (partial + buffer.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) await onLine(file, line);
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
