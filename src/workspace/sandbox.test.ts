import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTargetRepository, type TargetRepository } from '../../test/support/target-repository.ts';
import { createCheckRunner, type CheckRunnerOptions } from './check-runner.ts';
import { buildCommandEnvironment, runCommand } from './command-runner.ts';
import { detectSandbox, SandboxUnavailableError, toShellCommand, wrapCommand } from './sandbox.ts';

const detection = await detectSandbox();
// Without bubblewrap these tests are skipped on a developer machine, but CI must have it: there
// they run, and fail with the reason.
const skipSandboxTests = !detection.available && process.env.CI !== 'true';
if (skipSandboxTests && !detection.available) console.log(`skipping bubblewrap sandbox tests: ${detection.reason}`);

let folders: string[] = [];
/** Sleep durations the test started; a failed test's surviving processes are killed afterwards. */
let sleepDurations: string[] = [];
afterEach(() => {
  for (const duration of sleepDurations) for (const pid of liveSleepers(duration)) process.kill(Number(pid), 'SIGKILL');
  sleepDurations = [];
  for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
  folders = [];
});

/** A fresh real folder under `parent`, removed after the test. */
function makeFolder(parent: string, prefix: string): string {
  const folder = fs.realpathSync(fs.mkdtempSync(path.join(parent, prefix)));
  folders.push(folder);
  return folder;
}

function checkRunner(overrides: Partial<CheckRunnerOptions> = {}) {
  return createCheckRunner({ timeoutMs: 60_000, outputLimitBytes: 64_000, scratchDir: makeFolder(os.tmpdir(), 'mender-scratch-'), ...overrides });
}

const noSignal = new AbortController().signal;

/** A TCP server on the host's loopback that counts the connections it accepts. */
async function startCountingServer(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    socket.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no port');
  return { port: address.port, connections: () => connections, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A "test" that tries both escapes independently and prints how each went. */
function escapeScript(port: number, outsideFile: string): string {
  return `import fs from 'node:fs';
import net from 'node:net';
const connected = await new Promise((resolve) => {
  const socket = net.connect(${port}, '127.0.0.1', () => { socket.end(); resolve('connected'); });
  socket.on('error', (error) => resolve(error.code));
});
console.log('network: ' + connected);
let written = 'written';
try { fs.writeFileSync(${JSON.stringify(outsideFile)}, 'escaped'); } catch (error) { written = error.code; }
console.log('outside file: ' + written);
process.exit(connected === 'connected' && written === 'written' ? 0 : 1);
`;
}

describe.skipIf(skipSandboxTests)('commands in the bubblewrap sandbox', () => {
  let server: Awaited<ReturnType<typeof startCountingServer>>;
  beforeEach(async () => {
    server = await startCountingServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('cannot reach the network or write outside the worktree, which the same test does unsandboxed', async () => {
    // Not under /tmp, which the sandbox replaces: the folder beside the worktree is visible there.
    const parent = makeFolder('/var/tmp', 'mender-escape-');
    const worktree = path.join(parent, 'worktree');
    const outside = path.join(parent, 'outside');
    fs.mkdirSync(worktree);
    fs.mkdirSync(outside);
    const outsideFile = path.join(outside, 'escaped.txt');
    fs.writeFileSync(path.join(worktree, 'escape.mjs'), escapeScript(server.port, outsideFile));
    const commands = { test: 'node escape.mjs' };

    const sandboxed = await checkRunner({ sandbox: { mode: 'bubblewrap' } }).runTests(worktree, commands, noSignal);
    expect(sandboxed?.exitCode).toBe(1);
    expect(sandboxed?.report.failed).toBe(1);
    expect(server.connections()).toBe(0);
    expect(sandboxed?.output).toContain('network: ECONNREFUSED');
    expect(fs.existsSync(outsideFile)).toBe(false);
    expect(sandboxed?.output).toContain('outside file: EROFS');

    const unsandboxed = await checkRunner({ sandbox: { mode: 'off' } }).runTests(worktree, commands, noSignal);
    expect(unsandboxed?.output).toContain('network: connected');
    expect(server.connections()).toBe(1);
    expect(fs.readFileSync(outsideFile, 'utf8')).toBe('escaped');
    expect(unsandboxed?.exitCode).toBe(0);
  });

  it('writes into the worktree and a private /tmp', async () => {
    const worktree = makeFolder(os.tmpdir(), 'mender-worktree-');
    const hostFile = path.join(makeFolder('/tmp', 'mender-host-'), 'host.txt');
    fs.writeFileSync(hostFile, 'on the host');
    const privateName = `mender-private-${crypto.randomUUID()}.txt`;
    const command = `echo built > dist.txt && echo scratch > /tmp/${privateName} && cat /tmp/${privateName} && ls ${hostFile}`;

    const run = await checkRunner({ sandbox: { mode: 'bubblewrap' } }).runCheck('build', worktree, { build: command }, noSignal);

    expect(fs.readFileSync(path.join(worktree, 'dist.txt'), 'utf8')).toBe('built\n');
    expect(run?.output).toMatch(/^scratch\n.*No such file or directory\n$/);
    expect(run?.exitCode).not.toBe(0);
    expect(fs.existsSync(path.join('/tmp', privateName))).toBe(false);
  });

  it("binds a checkout's .git read-only and keeps a data folder inside the checkout hidden (issue 12, findings 1 and 3)", async () => {
    const checkout = makeFolder(os.tmpdir(), 'mender-checkout-');
    execFileSync('git', ['init', '-q', checkout]);
    const dataDir = path.join(checkout, '.mender');
    fs.mkdirSync(dataDir);
    fs.writeFileSync(path.join(dataDir, 'admin-token'), 'the-admin-token');
    const command = [
      'git config filter.x.clean "touch /never" 2>&1 || echo config-refused',
      'echo x > .git/hooks/pre-commit 2>&1 || echo hook-refused',
      'cat .mender/admin-token 2>&1 || echo token-unreadable',
      'echo planted > .mender/admin-token 2>&1; echo src > built.txt',
    ].join('; ');

    const run = await checkRunner({ sandbox: { mode: 'bubblewrap' }, hiddenPaths: [dataDir] }).runCheck('build', checkout, { build: command }, noSignal);

    expect(run?.output).toContain('config-refused');
    expect(run?.output).toContain('hook-refused');
    expect(run?.output).not.toContain('the-admin-token');
    expect(execFileSync('git', ['config', '--local', '--list'], { cwd: checkout }).toString()).not.toContain('filter.x');
    expect(fs.existsSync(path.join(checkout, '.git/hooks/pre-commit'))).toBe(false);
    expect(fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8')).toBe('the-admin-token');
    // The rest of the checkout stays writable.
    expect(fs.readFileSync(path.join(checkout, 'built.txt'), 'utf8')).toBe('src\n');
  });

  it('holds no capabilities, so even as root it cannot remount the system writable', async () => {
    const worktree = makeFolder(os.tmpdir(), 'mender-worktree-');

    const run = await checkRunner({ sandbox: { mode: 'bubblewrap' } }).runCheck('build', worktree, { build: 'grep CapEff /proc/self/status' }, noSignal);

    expect(run?.output).toMatch(/^CapEff:\s+0+\n$/);
  });

  describe('on a real repository', () => {
    let repository: TargetRepository;
    beforeEach(() => {
      repository = createTargetRepository();
    });
    afterEach(() => {
      repository.cleanup();
    });

    it('runs npm test with vitest and reads its structured report', async () => {
      const run = await checkRunner({ sandbox: { mode: 'bubblewrap' } }).runTests(repository.path, { test: 'npm test' }, noSignal);

      expect(run?.exitCode, run?.output).toBe(0);
      expect(run?.report).toMatchObject({ runner: 'vitest', structured: true, passed: 2, failed: 0 });
      expect(run?.report.tests.map((test) => test.name).sort()).toEqual(['total > applies a discount', 'total > sums single items']);
    });

    it('runs node --test and reads its structured report, failures included', async () => {
      fs.writeFileSync(
        path.join(repository.path, 'test/node.test.mjs'),
        `import { test } from 'node:test';\nimport assert from 'node:assert';\ntest('adds', () => assert.equal(1 + 1, 2));\ntest('breaks', () => assert.equal(1 + 1, 3));\n`,
      );

      const run = await checkRunner({ sandbox: { mode: 'bubblewrap' } }).runTests(repository.path, { test: 'node --test test/node.test.mjs' }, noSignal);

      expect(run?.report, run?.output).toMatchObject({ runner: 'node-test', structured: true, passed: 1, failed: 1 });
      expect(run?.report.failures.map((failure) => failure.name)).toEqual(['breaks']);
    });

    it('reaches the node_modules and git repository a worktree in /tmp links to', async () => {
      const parent = makeFolder(os.tmpdir(), 'mender-linked-');
      const worktree = path.join(parent, 'worktree');
      repository.git('worktree', 'add', '-q', worktree);
      const modules = path.join(parent, 'checkout-node_modules');
      fs.mkdirSync(path.join(modules, 'greeting'), { recursive: true });
      fs.writeFileSync(path.join(modules, 'greeting/index.js'), "module.exports = 'hello from the checkout';\n");
      fs.symlinkSync(modules, path.join(worktree, 'node_modules'), 'dir');
      const command = `node -e "console.log(require('greeting'))" && git log --format=%s -1`;

      const run = await checkRunner({ sandbox: { mode: 'bubblewrap' } }).runCheck('build', worktree, { build: command }, noSignal);

      expect(run?.output).toBe('hello from the checkout\ncart library with a quantity bug\n');
      expect(run?.exitCode).toBe(0);
    });

    it("gives the caches vite and vitest keep in node_modules (.vite, .vite-temp, .cache) fresh and writable, even when the checkout's own runs left them there", async () => {
      const parent = makeFolder(os.tmpdir(), 'mender-linked-');
      const worktree = path.join(parent, 'worktree');
      repository.git('worktree', 'add', '-q', worktree);
      const modules = path.join(parent, 'checkout', 'node_modules');
      // vitest bundles vitest.config.ts into node_modules/.vite-temp: a run in the checkout leaves the folder.
      for (const cache of ['.vite', '.vite-temp', '.cache']) fs.mkdirSync(path.join(modules, cache), { recursive: true });
      fs.symlinkSync(modules, path.join(worktree, 'node_modules'), 'dir');
      const command = 'for cache in .vite .vite-temp .cache; do echo x > node_modules/$cache/written || exit 1; done; echo ok';

      const run = await checkRunner({ sandbox: { mode: 'bubblewrap' } }).runCheck('build', worktree, { build: command }, noSignal);

      expect(run?.output).toBe('ok\n');
      expect(fs.readdirSync(path.join(modules, '.vite-temp'))).toEqual([]);
    });

    it('follows a package the checkout links in from elsewhere in /tmp (a linked or hoisted dependency)', async () => {
      const parent = makeFolder(os.tmpdir(), 'mender-linked-');
      const worktree = path.join(parent, 'worktree');
      repository.git('worktree', 'add', '-q', worktree);
      const store = makeFolder(os.tmpdir(), 'mender-package-store-');
      fs.mkdirSync(path.join(store, 'greeting'));
      fs.writeFileSync(path.join(store, 'greeting/index.js'), "module.exports = 'hello from a linked package';\n");
      const modules = path.join(parent, 'checkout-node_modules');
      fs.mkdirSync(modules);
      fs.symlinkSync(path.join(store, 'greeting'), path.join(modules, 'greeting'), 'dir');
      fs.symlinkSync(modules, path.join(worktree, 'node_modules'), 'dir');

      const run = await checkRunner({ sandbox: { mode: 'bubblewrap' } }).runCheck(
        'build',
        worktree,
        { build: `node -e "console.log(require('greeting'))"` },
        noSignal,
      );

      expect(run?.output).toBe('hello from a linked package\n');
      expect(run?.exitCode).toBe(0);
    });
  });

  it('kills everything inside the sandbox on timeout, even processes that left the process group', async () => {
    const worktree = makeFolder(os.tmpdir(), 'mender-worktree-');
    const marker = uniqueSleepDuration();
    // setsid: a new session and process group, out of reach of runCommand's group kill.
    const command = `sleep ${marker} & setsid sleep ${marker} & echo started; wait`;
    const argv = wrapCommand(command, { bwrapPath: bwrapPath(), worktree, writablePaths: [] });

    const result = await runCommand(toShellCommand(argv), {
      cwd: worktree,
      env: buildCommandEnvironment({ HOME: worktree, TMPDIR: worktree }),
      timeoutMs: 1_000,
      outputLimitBytes: 64_000,
    });

    expect(result.timedOut).toBe(true);
    expect(result.output).toBe('started\n');
    expect(result.durationMs).toBeLessThan(10_000);
    await waitFor(() => liveSleepers(marker).length === 0);
    expect(liveSleepers(marker)).toEqual([]);
  });

  it('dies with Mender when Mender is killed', async () => {
    const worktree = makeFolder(os.tmpdir(), 'mender-worktree-');
    const marker = uniqueSleepDuration();
    const argv = wrapCommand(`sleep ${marker} & echo started; wait`, { bwrapPath: bwrapPath(), worktree, writablePaths: [] });
    // A stand-in for Mender that starts the sandbox and is then killed without a chance to clean up.
    const parentScript = `const child = require('node:child_process').spawn(process.argv[1], process.argv.slice(2), { stdio: ['ignore', 'inherit', 'inherit'] }); child.on('exit', () => process.exit());`;
    const mender = spawn(process.execPath, ['-e', parentScript, ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => mender.stdout.on('data', () => resolve()));
    await waitFor(() => liveSleepers(marker).length === 1);
    expect(liveSleepers(marker)).toHaveLength(1);

    // Only the stand-in dies: nothing signals bwrap's process group, so the sandbox must notice by itself.
    mender.kill('SIGKILL');

    await waitFor(() => liveSleepers(marker).length === 0);
    expect(liveSleepers(marker)).toEqual([]);
  });
});

function bwrapPath(): string {
  if (!detection.available) throw new Error(detection.reason);
  return detection.bwrapPath;
}

/** A sleep duration no other process uses, to find the sleepers from outside the PID namespace. */
function uniqueSleepDuration(): string {
  const duration = `${crypto.randomInt(1000, 2000)}.${crypto.randomInt(100_000, 999_999)}`;
  sleepDurations.push(duration);
  return duration;
}

/** Pids of running (not zombie) `sleep <duration>` processes. */
function liveSleepers(duration: string): string[] {
  return fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && isLiveSleeper(entry, duration));
}

/** A running (not zombie) `sleep <marker>`. */
function isLiveSleeper(pid: string, marker: string): boolean {
  try {
    const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (commandLine !== `sleep\0${marker}\0`) return false;
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 60 && !condition(); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('without a usable sandbox', () => {
  it('refuses to run commands when bubblewrap is wanted but not installed', async () => {
    const worktree = makeFolder(os.tmpdir(), 'mender-worktree-');
    const runner = checkRunner({ sandbox: { mode: 'bubblewrap', bwrapPath: path.join(worktree, 'no-such-bwrap') } });

    const refused = runner.runTests(worktree, { test: 'touch ran.txt' }, noSignal);

    await expect(refused).rejects.toThrow(SandboxUnavailableError);
    await expect(refused).rejects.toThrow(
      /^bubblewrap is not installed \(.*no-such-bwrap does not exist\): apt-get install bubblewrap, or set MENDER_SANDBOX=off to run commands without isolation \(not recommended\)$/,
    );
    expect(fs.existsSync(path.join(worktree, 'ran.txt'))).toBe(false);
  });

  it("refuses with bubblewrap's own words when it cannot create a sandbox here", async () => {
    const worktree = makeFolder(os.tmpdir(), 'mender-worktree-');
    // A stand-in for bwrap in a container that forbids namespaces.
    const fakeBwrap = path.join(worktree, 'bwrap');
    fs.writeFileSync(fakeBwrap, '#!/bin/sh\necho "bwrap: Creating new namespace failed: Operation not permitted" >&2\nexit 1\n', { mode: 0o755 });
    const runner = checkRunner({ sandbox: { mode: 'bubblewrap', bwrapPath: fakeBwrap } });

    await expect(runner.runCheck('lint', worktree, { lint: 'touch ran.txt' }, noSignal)).rejects.toThrow(
      'bubblewrap cannot create a sandbox here (bwrap: Creating new namespace failed: Operation not permitted)',
    );
    expect(fs.existsSync(path.join(worktree, 'ran.txt'))).toBe(false);
  });

  it('runs without isolation only when the sandbox is off, and reports every such run', async () => {
    const worktree = makeFolder(os.tmpdir(), 'mender-worktree-');
    const warned: string[] = [];
    const runner = checkRunner({
      sandbox: { mode: 'off', bwrapPath: path.join(worktree, 'no-such-bwrap'), onUnsandboxedRun: (command) => warned.push(command) },
    });

    const tests = await runner.runTests(worktree, { test: 'touch ran.txt' }, noSignal);
    const lint = await runner.runCheck('lint', worktree, { lint: 'echo linted' }, noSignal);

    expect(tests?.exitCode).toBe(0);
    expect(fs.existsSync(path.join(worktree, 'ran.txt'))).toBe(true);
    expect(lint?.output).toBe('linted\n');
    expect(warned).toEqual(['touch ran.txt', 'echo linted']);
  });
});

describe.skipIf(skipSandboxTests)('the sandbox probe', () => {
  it('finds bwrap on PATH and remembers the answer', async () => {
    expect(detection).toEqual({ available: true, bwrapPath: execFileSync('sh', ['-c', 'command -v bwrap'], { encoding: 'utf8' }).trim() });
    expect(await detectSandbox()).toBe(detection);
  });
});
