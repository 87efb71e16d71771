import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReleaseProcesses, type ReleaseSpec, type RunningRelease } from './release-processes.ts';
import { isAlive } from './process-identity.ts';
import { createAppRepository, type AppRepository } from './testing/app-repository.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

describe('release processes of the local target', () => {
  let app: AppRepository;
  let root: string;
  const started: RunningRelease[] = [];

  beforeAll(() => {
    app = createAppRepository();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-releases-'));
  });

  afterAll(async () => {
    const releases = new ReleaseProcesses(root);
    for (const running of [...started, ...releases.adopt()]) await releases.stop(running, app.path);
    app.cleanup();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const spec = (overrides: Partial<ReleaseSpec> = {}): ReleaseSpec => ({
    release: { repoId: 'app', environment: 'staging', commit: app.head() },
    repoPath: app.path,
    startCommand: 'node server.cjs',
    healthPath: '/health',
    startTimeoutMs: 15_000,
    ...overrides,
  });

  it('runs the commit from its own worktree on a private port with the release in its environment, and stops it', async () => {
    const releases = new ReleaseProcesses(root);
    const result = await releases.start(spec(), new AbortController().signal);
    if (!result.ok) throw new Error(result.error.message);
    const running = result.value;
    started.push(running);
    const answer = await (await fetch(`http://127.0.0.1:${running.port}/`)).json();
    expect(answer).toEqual({ release: app.head(), environment: 'staging', nodeEnv: 'production' });
    expect(fs.realpathSync(running.worktree)).not.toBe(app.path);
    expect(await releases.health(running, '/health')).toMatchObject({ healthy: true, detail: '/health answered 200' });
    const stateFiles = fs.readdirSync(path.join(root, 'state'));
    expect(stateFiles).toHaveLength(1);
    expect(fs.statSync(path.join(root, 'state', stateFiles[0]!)).mode & 0o077).toBe(0);

    await releases.stop(running, app.path);
    started.pop();
    expect(isAlive(running.pid)).toBe(false);
    expect(fs.existsSync(running.worktree)).toBe(false);
    expect(new ReleaseProcesses(root).adopt()).toEqual([]);
    expect(await releases.health(running, '/health')).toMatchObject({ healthy: false, detail: expect.stringContaining('not running') });
  });

  it.each([
    [
      'a start command that exits at once',
      { startCommand: 'echo "Error: Cannot find module ./dist/main.js"; exit 2' },
      'exited with code 2',
      'Cannot find module',
    ],
    [
      'an app that never answers its health path',
      { startCommand: 'echo "waiting for a database"; exec sleep 60', startTimeoutMs: 1_500 },
      'did not answer /health within 2 s',
      'waiting for a database',
    ],
  ])('fails the start of %s, with its output tail, leaving nothing running', async (_, overrides, message, tail) => {
    const releases = new ReleaseProcesses(root);
    const result = await releases.start(spec(overrides), new AbortController().signal);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'start_failed', message: expect.stringContaining(message), outputTail: expect.stringContaining(tail) },
    });
    expect(releases.adopt()).toEqual([]);
    expect(fs.readdirSync(path.join(root, 'worktrees'))).toEqual([]);
  });

  it('refuses a commit the repository does not have', async () => {
    const result = await new ReleaseProcesses(root).start(
      spec({ release: { repoId: 'app', environment: 'staging', commit: 'f'.repeat(40) } }),
      new AbortController().signal,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'start_failed', message: expect.stringContaining('cannot be checked out') } });
  });

  it('keeps serving after the process that started it is killed, and a new one adopts it', async () => {
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'bin/run-ts.mjs'), path.join(import.meta.dirname, 'testing/start-release-and-exit.ts'), root, app.path, app.head()],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const line = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    const result = JSON.parse(line) as { ok: true; value: RunningRelease };
    expect(result.ok).toBe(true);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const adopted = new ReleaseProcesses(root).adopt();
    expect(adopted).toEqual([result.value]);
    started.push(adopted[0]!);
    const answer = await (await fetch(`http://127.0.0.1:${adopted[0]!.port}/`)).json();
    expect(answer).toMatchObject({ release: app.head() });
  });

  it('forgets a state file whose process is gone', async () => {
    const releases = new ReleaseProcesses(root);
    const gone = { ...spec().release, commit: 'c'.repeat(40) };
    fs.writeFileSync(
      path.join(root, 'state', 'app-staging-cccccccccccc.json'),
      JSON.stringify({ release: gone, pid: 2 ** 22 + 17, port: 1, worktree: '/nowhere', logFile: '/nowhere', startedAt: '' }),
    );
    expect(releases.adopt().map((running) => running.release.commit)).not.toContain(gone.commit);
    expect(fs.existsSync(path.join(root, 'state', 'app-staging-cccccccccccc.json'))).toBe(false);
  });
});
