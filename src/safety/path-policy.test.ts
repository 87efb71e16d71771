import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPathPolicy, defaultDenyPatterns, globToRegularExpression } from './path-policy.ts';
import type { PathPolicy } from './path-policy.ts';

let root: string;
let outside: string;
let policy: PathPolicy;

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'mender-policy-root-')));
  outside = realpathSync(mkdtempSync(join(tmpdir(), 'mender-policy-outside-')));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'index.ts'), 'export {};\n');
  mkdirSync(join(root, '.git', 'hooks'), { recursive: true });
  writeFileSync(join(root, '.git', 'config'), '[core]\n');
  writeFileSync(join(outside, 'secret.txt'), 'outside secret\n');
  policy = createPathPolicy({ root });
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('globToRegularExpression', () => {
  it.each([
    ['*.pem', 'server.pem', true],
    ['*.pem', 'keys/server.pem', false],
    ['.env.*', '.env.local', true],
    ['.env.*', '.env', false],
    ['id_rsa*', 'id_rsa.pub', true],
    ['?.txt', 'a.txt', true],
    ['?.txt', 'ab.txt', false],
    ['.git/**', '.git/hooks/pre-commit', true],
    ['**/fixtures/*.json', 'fixtures/a.json', true],
    ['**/fixtures/*.json', 'test/deep/fixtures/a.json', true],
    ['config/(prod).yml', 'config/(prod).yml', true],
    ['config/(prod).yml', 'config/xprodx.yml', false],
  ])('%s against %s is %s', (pattern, candidate, expected) => {
    expect(globToRegularExpression(pattern).test(candidate)).toBe(expected);
  });
});

describe('resolveForRead', () => {
  it('resolves a relative path inside the root to its real absolute path', async () => {
    expect(await policy.resolveForRead('src/../src/index.ts')).toEqual({
      ok: true,
      absolute: join(root, 'src', 'index.ts'),
      relative: 'src/index.ts',
      exists: true,
    });
  });

  it('refuses a ../ escape', async () => {
    const result = await policy.resolveForRead(`../${outside.split('/').pop()}/secret.txt`);
    expect(result).toMatchObject({ ok: false, code: 'path_outside_root' });
  });

  it('refuses absolute paths, even inside the root, and says to use relative ones', async () => {
    const outsideResult = await policy.resolveForRead(join(outside, 'secret.txt'));
    expect(outsideResult).toMatchObject({ ok: false, code: 'path_outside_root' });
    const insideResult = await policy.resolveForRead(join(root, 'src', 'index.ts'));
    expect(insideResult).toMatchObject({ ok: false, code: 'path_outside_root' });
    if (!insideResult.ok) expect(insideResult.message).toMatch(/relative to the repository root.*"src\/index.ts"/);
  });

  it('refuses a symbolic link to /etc/passwd', async () => {
    symlinkSync('/etc/passwd', join(root, 'passwd'));
    expect(await policy.resolveForRead('passwd')).toMatchObject({ ok: false, code: 'path_outside_root' });
  });

  it('refuses a path through a symbolic link to a folder outside', async () => {
    symlinkSync(outside, join(root, 'elsewhere'));
    expect(await policy.resolveForRead('elsewhere/secret.txt')).toMatchObject({ ok: false, code: 'path_outside_root' });
  });

  it('follows a symbolic link that stays inside and reports the real path', async () => {
    symlinkSync('src/index.ts', join(root, 'entry.ts'));
    expect(await policy.resolveForRead('entry.ts')).toMatchObject({ ok: true, relative: 'src/index.ts' });
  });

  it('refuses a symbolic link inside the root that points at a denied file', async () => {
    writeFileSync(join(root, '.env'), 'TOKEN=abc\n');
    symlinkSync('.env', join(root, 'innocent.txt'));
    symlinkSync('.git/config', join(root, 'config.txt'));
    expect(await policy.resolveForRead('innocent.txt')).toMatchObject({ ok: false, code: 'path_denied' });
    expect(await policy.resolveForRead('config.txt')).toMatchObject({ ok: false, code: 'path_denied' });
  });

  it('refuses a hard link to a file outside the root', async () => {
    linkSync(join(outside, 'secret.txt'), join(root, 'linked.txt'));
    const result = await policy.resolveForRead('linked.txt');
    expect(result).toMatchObject({ ok: false, code: 'path_denied' });
    if (!result.ok) expect(result.message).toMatch(/2 hard links/);
  });

  it('refuses .env with a message naming the pattern', async () => {
    writeFileSync(join(root, '.env'), 'TOKEN=abc\n');
    const result = await policy.resolveForRead('.env');
    expect(result).toEqual({
      ok: false,
      code: 'path_denied',
      message: '.env matches the deny pattern ".env"; files that may hold secrets are not readable or writable by the agent',
    });
  });

  it.each(['.env.production', 'config/secrets.json', 'deploy/id_rsa', 'certs/server.PEM', '.npmrc', 'a/b/.netrc'])(
    'refuses %s without touching the filesystem',
    async (requested) => {
      expect(await policy.resolveForRead(requested)).toMatchObject({ ok: false, code: 'path_denied' });
    },
  );

  it('refuses files inside a folder that matches a deny pattern', async () => {
    mkdirSync(join(root, 'secrets.d'));
    writeFileSync(join(root, 'secrets.d', 'token.txt'), 'abc');
    expect(await policy.resolveForRead('secrets.d/token.txt')).toMatchObject({ ok: false, code: 'path_denied' });
  });

  it('refuses .git and anything under it', async () => {
    expect(await policy.resolveForRead('.git/config')).toMatchObject({ ok: false, code: 'path_denied' });
    expect(await policy.resolveDirectory('.git')).toMatchObject({ ok: false, code: 'path_denied' });
    expect(await policy.resolveForRead('src/../.git/config')).toMatchObject({ ok: false, code: 'path_denied' });
  });

  it('keeps .git refused even with a custom deny list', async () => {
    const custom = createPathPolicy({ root, denyPatterns: ['*.secret'] });
    expect(await custom.resolveForRead('.git/config')).toMatchObject({ ok: false, code: 'path_denied' });
    writeFileSync(join(root, '.env'), 'TOKEN=abc\n');
    expect(await custom.resolveForRead('.env')).toMatchObject({ ok: true });
  });

  it('refuses a FIFO', async () => {
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const result = await policy.resolveForRead('pipe');
    expect(result).toMatchObject({ ok: false, code: 'path_denied' });
    if (!result.ok) expect(result.message).toMatch(/FIFO/);
  });

  it('refuses a symbolic link to a device', async () => {
    symlinkSync('/dev/zero', join(root, 'zero'));
    expect(await policy.resolveForRead('zero')).toMatchObject({ ok: false, code: 'path_outside_root' });
  });

  it('reports missing files and folders given as files', async () => {
    expect(await policy.resolveForRead('src/missing.ts')).toMatchObject({ ok: false, code: 'not_found' });
    expect(await policy.resolveForRead('src')).toMatchObject({ ok: false, code: 'not_a_file' });
    expect(await policy.resolveDirectory('src/index.ts')).toMatchObject({ ok: false, code: 'not_a_directory' });
    expect(await policy.resolveDirectory('.')).toMatchObject({ ok: true, absolute: root, relative: '.' });
  });

  it('refuses a NUL byte', async () => {
    expect(await policy.resolveForRead('src/index.ts\0.png')).toMatchObject({ ok: false, code: 'invalid_arguments' });
  });
});

describe('resolveForWrite', () => {
  it('allows a new file in new folders', async () => {
    expect(await policy.resolveForWrite('src/new/deep/file.ts')).toEqual({
      ok: true,
      absolute: join(root, 'src', 'new', 'deep', 'file.ts'),
      relative: 'src/new/deep/file.ts',
      exists: false,
    });
  });

  it('refuses writing into .git/hooks, directly or through a link', async () => {
    expect(await policy.resolveForWrite('.git/hooks/pre-commit')).toMatchObject({ ok: false, code: 'path_denied' });
    symlinkSync('.git/hooks', join(root, 'hooks'));
    expect(await policy.resolveForWrite('hooks/pre-commit')).toMatchObject({ ok: false, code: 'path_denied' });
  });

  it('refuses a new file under a symbolic link to a folder outside', async () => {
    symlinkSync(outside, join(root, 'elsewhere'));
    expect(await policy.resolveForWrite('elsewhere/new/file.txt')).toMatchObject({ ok: false, code: 'path_outside_root' });
  });

  it('refuses a dangling symbolic link, whose target could be created anywhere', async () => {
    symlinkSync(join(outside, 'not-yet.txt'), join(root, 'dangling.txt'));
    expect(await policy.resolveForWrite('dangling.txt')).toMatchObject({ ok: false, code: 'path_denied' });
  });

  it('refuses a symbolic link to an existing file outside', async () => {
    symlinkSync('/etc/passwd', join(root, 'passwd'));
    expect(await policy.resolveForWrite('passwd')).toMatchObject({ ok: false, code: 'path_outside_root' });
  });

  it('refuses an existing hard-linked file, a FIFO and a folder', async () => {
    linkSync(join(outside, 'secret.txt'), join(root, 'linked.txt'));
    execFileSync('mkfifo', [join(root, 'pipe')]);
    expect(await policy.resolveForWrite('linked.txt')).toMatchObject({ ok: false, code: 'path_denied' });
    expect(await policy.resolveForWrite('pipe')).toMatchObject({ ok: false, code: 'path_denied' });
    expect(await policy.resolveForWrite('src')).toMatchObject({ ok: false, code: 'not_a_file' });
  });

  it('refuses creating a file beneath a file', async () => {
    expect(await policy.resolveForWrite('src/index.ts/child.ts')).toMatchObject({ ok: false, code: 'not_a_directory' });
  });

  it('refuses denied names and escapes', async () => {
    expect(await policy.resolveForWrite('new/.env.local')).toMatchObject({ ok: false, code: 'path_denied' });
    expect(await policy.resolveForWrite('../escape.txt')).toMatchObject({ ok: false, code: 'path_outside_root' });
    expect(await policy.resolveForWrite('/tmp/escape.txt')).toMatchObject({ ok: false, code: 'path_outside_root' });
  });
});

describe('isDenied', () => {
  it('hides .git, secrets and their contents, and nothing else', () => {
    expect(policy.isDenied('.git')).toBe(true);
    expect(policy.isDenied('.git/')).toBe(true);
    expect(policy.isDenied('packages/app/.env')).toBe(true);
    expect(policy.isDenied('src/index.ts')).toBe(false);
    expect(policy.isDenied('.')).toBe(false);
    expect(policy.isDenied('.gitignore')).toBe(false);
    expect(policy.isDenied('src/environment.ts')).toBe(false);
  });

  it('exports the default patterns', () => {
    expect(defaultDenyPatterns).toContain('.env');
    expect(defaultDenyPatterns).toContain('.git/**');
  });
});

describe('createPathPolicy', () => {
  it('refuses the filesystem root and pseudo filesystems as a jail', () => {
    expect(() => createPathPolicy({ root: '/' })).toThrow(/filesystem root/);
    expect(() => createPathPolicy({ root: '/proc/self' })).toThrow(/\/proc/);
  });

  it('realpaths the root', () => {
    symlinkSync(root, join(outside, 'root-link'));
    expect(createPathPolicy({ root: join(outside, 'root-link') }).root).toBe(root);
  });
});

describe("deniedFolders (Mender's data folder, issue 12 finding 3)", () => {
  let base: string;
  beforeEach(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'path-policy-data-')));
    mkdirSync(join(base, 'repo/.mender'), { recursive: true });
    writeFileSync(join(base, 'repo/.mender/admin-token'), 'token');
    writeFileSync(join(base, 'repo/app.ts'), 'export {};\n');
    symlinkSync(join(base, 'repo/.mender'), join(base, 'repo/alias'));
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('denies the folder inside the root by real path, through links too, and leaves the rest alone', async () => {
    const policy = createPathPolicy({ root: join(base, 'repo'), deniedFolders: [join(base, 'repo/alias')] });
    for (const requested of ['.mender/admin-token', 'alias/admin-token']) {
      const write = await policy.resolveForWrite(requested);
      expect(write).toMatchObject({ ok: false, code: 'path_denied' });
      expect(!write.ok && write.message).toContain("Mender's data folder");
      expect(await policy.resolveForRead(requested)).toMatchObject({ ok: false, code: 'path_denied' });
    }
    expect(await policy.resolveDirectory('.mender')).toMatchObject({ ok: false, code: 'path_denied' });
    expect(policy.isDenied('.mender/db')).toBe(true);
    expect(await policy.resolveForRead('app.ts')).toMatchObject({ ok: true });
  });

  it('changes nothing for a root inside the data folder (a clone Mender keeps there)', async () => {
    const policy = createPathPolicy({ root: join(base, 'repo/.mender'), deniedFolders: [join(base, 'repo/.mender')] });
    expect(await policy.resolveForRead('admin-token')).toMatchObject({ ok: true });
  });
});
