import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitError, runGit } from './git.ts';

let repository: string;
let markers: string;

/** Plain git, as a user would run it: hooks and all. */
function plainGit(args: string[]): string {
  return execFileSync('git', args, {
    cwd: repository,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Someone',
      GIT_AUTHOR_EMAIL: 'someone@example.com',
      GIT_COMMITTER_NAME: 'Someone',
      GIT_COMMITTER_EMAIL: 'someone@example.com',
    },
  });
}

function installScript(path: string, markerName: string): void {
  writeFileSync(path, `#!/bin/sh\necho ran > "${join(markers, markerName)}"\nexit 0\n`);
  chmodSync(path, 0o755);
}

beforeEach(() => {
  repository = realpathSync(mkdtempSync(join(tmpdir(), 'mender-git-')));
  markers = realpathSync(mkdtempSync(join(tmpdir(), 'mender-git-markers-')));
  plainGit(['init', '--quiet', '--initial-branch=main']);
});

afterEach(() => {
  rmSync(repository, { recursive: true, force: true });
  rmSync(markers, { recursive: true, force: true });
});

describe('runGit', () => {
  it('commits without running the repository pre-commit hook', async () => {
    installScript(join(repository, '.git', 'hooks', 'pre-commit'), 'hook-ran');
    writeFileSync(join(repository, 'a.txt'), 'one\n');

    // The hook is live: plain git runs it.
    plainGit(['add', 'a.txt']);
    plainGit(['commit', '--quiet', '-m', 'first']);
    expect(existsSync(join(markers, 'hook-ran'))).toBe(true);
    rmSync(join(markers, 'hook-ran'));

    writeFileSync(join(repository, 'a.txt'), 'two\n');
    await runGit(repository, ['add', 'a.txt']);
    await runGit(repository, ['commit', '--quiet', '-m', 'second']);

    expect(existsSync(join(markers, 'hook-ran'))).toBe(false);
    const log = await runGit(repository, ['log', '--format=%s', '-n', '1']);
    expect(log.stdout.trim()).toBe('second');
  });

  it('ignores a hooks path set in the repository configuration', async () => {
    const hooks = join(repository, 'custom-hooks');
    execFileSync('mkdir', [hooks]);
    installScript(join(hooks, 'pre-commit'), 'custom-hook-ran');
    plainGit(['config', 'core.hooksPath', hooks]);
    writeFileSync(join(repository, 'a.txt'), 'one\n');

    await runGit(repository, ['add', 'a.txt']);
    await runGit(repository, ['commit', '--quiet', '-m', 'first']);

    expect(existsSync(join(markers, 'custom-hook-ran'))).toBe(false);
    plainGit(['commit', '--quiet', '--allow-empty', '-m', 'plain']);
    expect(existsSync(join(markers, 'custom-hook-ran'))).toBe(true);
  });

  it('does not run an fsmonitor command from the repository configuration', async () => {
    const monitor = join(repository, 'monitor.sh');
    installScript(monitor, 'fsmonitor-ran');
    plainGit(['config', 'core.fsmonitor', monitor]);

    // Refused, naming the key and the file (issue 12, finding 1), and nothing ran.
    await expect(runGit(repository, ['status', '--porcelain'])).rejects.toThrow(/sets core\.fsmonitor in .*\.git\/config.*refuses/);
    expect(existsSync(join(markers, 'fsmonitor-ran'))).toBe(false);
    // A boolean is what Mender's own -c core.fsmonitor=false overrides anyway: not refused.
    plainGit(['config', 'core.fsmonitor', 'false']);
    await runGit(repository, ['status', '--porcelain']);
    plainGit(['config', 'core.fsmonitor', monitor]);

    plainGit(['status', '--porcelain']);
    expect(existsSync(join(markers, 'fsmonitor-ran'))).toBe(true);
  });

  it('never starts the editor named in the repository configuration', async () => {
    const editor = join(repository, 'editor.sh');
    installScript(editor, 'editor-ran');
    plainGit(['config', 'core.editor', editor]);

    const result = await runGit(repository, ['commit', '--allow-empty'], { allowFailure: true });
    expect(result.exitCode).not.toBe(0);
    expect(existsSync(join(markers, 'editor-ran'))).toBe(false);
  });

  it('commits as Mender unless the identity is overridden', async () => {
    await runGit(repository, ['commit', '--quiet', '--allow-empty', '-m', 'by mender']);
    await runGit(repository, ['commit', '--quiet', '--allow-empty', '-m', 'by ada'], {
      env: { GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com' },
    });
    const log = await runGit(repository, ['log', '--format=%an <%ae> / %cn']);
    expect(log.stdout.trim().split('\n')).toEqual(['Ada <ada@example.com> / Mender', 'Mender <mender@localhost> / Mender']);
  });

  it('passes input on stdin', async () => {
    const result = await runGit(repository, ['hash-object', '--stdin'], { input: 'hello\n' });
    expect(result.stdout.trim()).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });

  it('throws a GitError naming the arguments and stderr on failure', async () => {
    const failure = runGit(repository, ['rev-parse', '--verify', 'no-such-branch']);
    await expect(failure).rejects.toBeInstanceOf(GitError);
    await expect(failure).rejects.toMatchObject({
      code: 'git_failed',
      exitCode: 128,
      message: expect.stringMatching(/git rev-parse --verify no-such-branch failed .*Needed a single revision/),
    });
  });

  it('returns the exit code instead of throwing when failure is allowed', async () => {
    const result = await runGit(repository, ['rev-parse', '--verify', 'no-such-branch'], { allowFailure: true });
    expect(result.exitCode).toBe(128);
    expect(result.stderr).toContain('Needed a single revision');
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runGit(repository, ['status'], { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});
