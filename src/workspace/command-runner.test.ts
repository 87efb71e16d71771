import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildCommandEnvironment, killGraceMs, runCommand } from './command-runner.ts';
import type { RunCommandOptions } from './command-runner.ts';

let folder: string;

beforeEach(() => {
  folder = realpathSync(mkdtempSync(path.join(tmpdir(), 'mender-command-')));
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(folder, { recursive: true, force: true });
});

function options(overrides: Partial<RunCommandOptions> = {}): RunCommandOptions {
  return {
    cwd: folder,
    env: buildCommandEnvironment({ HOME: folder, TMPDIR: folder }),
    timeoutMs: 10_000,
    outputLimitBytes: 64_000,
    ...overrides,
  };
}

/** Gone, or a zombie waiting to be reaped (PID 1 in a container may not reap promptly). */
function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

async function waitUntilGone(pid: number): Promise<boolean> {
  for (let attempt = 0; attempt < 40; attempt += 1) {
    if (processIsGone(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return processIsGone(pid);
}

function firstPid(output: string): number {
  const match = /^(\d+)$/m.exec(output);
  if (!match) throw new Error(`no pid in output: ${output}`);
  return Number(match[1]);
}

describe('runCommand', () => {
  it('returns the exit code and stdout and stderr interleaved as they came', async () => {
    const result = await runCommand('echo one; sleep 0.05; echo two >&2; sleep 0.05; echo three; exit 3', options());
    expect(result).toMatchObject({ exitCode: 3, signal: null, timedOut: false, cancelled: false, output: 'one\ntwo\nthree\n', outputBytes: 14 });
    expect(result.durationMs).toBeGreaterThanOrEqual(90);
  });

  it('runs in the given folder', async () => {
    const result = await runCommand('pwd', options());
    expect(result.output.trim()).toBe(folder);
  });

  it('kills the whole process group on timeout', async () => {
    const started = Date.now();
    const result = await runCommand('sleep 30 & echo $!; sleep 30', options({ timeoutMs: 300 }));
    expect(result).toMatchObject({ exitCode: null, signal: 'SIGTERM', timedOut: true, cancelled: false });
    expect(Date.now() - started).toBeLessThan(5_000);
    const backgroundPid = firstPid(result.output);
    expect(await waitUntilGone(backgroundPid)).toBe(true);
  });

  it('follows SIGTERM with SIGKILL when the group ignores it', async () => {
    const started = Date.now();
    const result = await runCommand("trap '' TERM; sleep 30 & echo $!; sleep 30", options({ timeoutMs: 200 }));
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(killGraceMs);
    expect(await waitUntilGone(firstPid(result.output))).toBe(true);
  });

  it('kills what the command leaves running after it exits', async () => {
    const result = await runCommand('sleep 30 > /dev/null 2>&1 & echo $!', options());
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(await waitUntilGone(firstPid(result.output))).toBe(true);
  });

  it('stops the group when the signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const result = await runCommand('sleep 30 & echo $!; sleep 30', options({ signal: controller.signal }));
    expect(result).toMatchObject({ cancelled: true, timedOut: false, exitCode: null });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await waitUntilGone(firstPid(result.output))).toBe(true);
  });

  it('does not start when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await runCommand('touch started', options({ signal: controller.signal }));
    expect(result).toMatchObject({ cancelled: true, exitCode: null, output: '' });
    expect(existsSync(path.join(folder, 'started'))).toBe(false);
  });

  it('keeps the head and tail of long output and says how much was left out', async () => {
    const result = await runCommand('echo START; seq 1 100000; echo END', options({ outputLimitBytes: 1_000 }));
    const fullBytes = 'START\n'.length + Array.from({ length: 100_000 }, (_, index) => `${index + 1}\n`).join('').length + 'END\n'.length;
    expect(result.outputBytes).toBe(fullBytes);
    expect(result.output.startsWith('START\n1\n2\n3\n')).toBe(true);
    expect(result.output.endsWith('99999\n100000\nEND\n')).toBe(true);
    expect(result.output).toContain(`\n[… ${fullBytes - 1_000} bytes omitted …]\n`);
    expect(result.output.length).toBeLessThan(1_100);
  });

  it('gives the command exactly the environment passed, nothing from this process', async () => {
    vi.stubEnv('MENDER_TEST_LEAK', 'token-that-must-not-leak');
    const result = await runCommand('env', options({ env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ONLY_THIS: 'yes' } }));
    expect(result.output).toContain('ONLY_THIS=yes');
    expect(result.output).not.toContain('token-that-must-not-leak');
    expect(result.output).not.toContain('MENDER_TEST_LEAK');
  });

  it('rejects when the command cannot be started', async () => {
    await expect(runCommand('true', options({ cwd: path.join(folder, 'missing') }))).rejects.toThrow(/could not start "true"/);
  });
});

describe('buildCommandEnvironment', () => {
  it('holds only the allowlist, whatever this process has', () => {
    vi.stubEnv('GITHUB_TOKEN', 'ghp_secret');
    vi.stubEnv('ANTHROPIC_API_KEY', 'sk-secret');
    const environment = buildCommandEnvironment({ HOME: '/tmp/operation-home', TMPDIR: '/tmp/operation-tmp' });
    expect(Object.keys(environment).sort()).toEqual([
      'CI',
      'FORCE_COLOR',
      'HOME',
      'LANG',
      'NODE_ENV',
      'NO_COLOR',
      'PATH',
      'TERM',
      'TMPDIR',
      'XDG_CACHE_HOME',
      'XDG_CONFIG_HOME',
      'XDG_DATA_HOME',
    ]);
    expect(environment).toMatchObject({
      HOME: '/tmp/operation-home',
      XDG_CACHE_HOME: '/tmp/operation-home/.cache',
      XDG_CONFIG_HOME: '/tmp/operation-home/.config',
      TMPDIR: '/tmp/operation-tmp',
      TERM: 'dumb',
      CI: 'true',
      NODE_ENV: 'test',
      FORCE_COLOR: '0',
      NO_COLOR: '1',
    });
    expect(JSON.stringify(environment)).not.toContain('secret');
  });

  it('finds this node and the system tools (git, sh) even when started with a narrow PATH', () => {
    vi.stubEnv('PATH', '/opt/custom/bin');
    const folders = buildCommandEnvironment({ HOME: '/tmp/operation-home' }).PATH!.split(path.delimiter);
    expect(folders[0]).toBe('/opt/custom/bin');
    expect(folders).toContain(path.dirname(process.execPath));
    expect(folders).toContain('/usr/bin');
  });

  it('lets the caller add variables', () => {
    expect(buildCommandEnvironment({ DATABASE_URL: 'postgres://localhost/test' }).DATABASE_URL).toBe('postgres://localhost/test');
  });
});
