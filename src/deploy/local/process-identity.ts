import fs from 'node:fs';

/**
 * Who a pid is: alive, and the same process as when it was recorded. A recorded pid may have been
 * reused by an unrelated process after a reboot or a crash; on Linux the start time in
 * /proc/<pid>/stat tells them apart, elsewhere only liveness can be checked.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); the command name in field 2 may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: gone. EPERM: alive but another user's, so not a process Mender started.
    return false;
  }
}

/** Alive and started when the record says; with no start time recorded, alive is all we know. */
export function isSameProcess(pid: number, startTime: string | undefined): boolean {
  if (!isAlive(pid)) return false;
  if (startTime === undefined) return true;
  return processStartTime(pid) === startTime;
}

/** SIGTERM to the process group, SIGKILL after `graceMs` if any of it is still there. */
export async function stopProcessGroup(pid: number, graceMs: number): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // ESRCH: the group is gone.
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
  if (isAlive(pid)) signal('SIGKILL');
}
