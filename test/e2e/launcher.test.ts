import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { startMenderProcess } from '../support/mender-process.ts';

const launcher = path.resolve(import.meta.dirname, '../../bin/mender');
const nodeOptions = fs
  .readFileSync(path.resolve(import.meta.dirname, '../../bin/node-options'), 'utf8')
  .trim()
  .split(/\s+/);

it('bin/mender becomes Node itself (exec, no wrapper process) with the heap flags of bin/node-options, and stops on SIGTERM', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-launcher-'));
  let child: ChildProcess | undefined;
  try {
    ({ child } = await startMenderProcess({
      command: [launcher],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, MENDER_DATA_DIR: dataDir, MENDER_ADMIN_TOKEN: 'launcher-admin-token-1', MENDER_SANDBOX: 'off' },
    }));
    // The pid we started is the server: a supervisor killed by a test or a service manager must not leave it running.
    const commandLine = fs.readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    expect(path.basename(commandLine[0]!)).toMatch(/^node/);
    expect(commandLine).toEqual(expect.arrayContaining([...nodeOptions, path.resolve(import.meta.dirname, '../../bin/mender.mjs'), 'start']));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child?.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
