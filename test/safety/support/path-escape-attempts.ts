import type { EscapeFixture } from './escape-fixture.ts';

export type CorpusToolName = 'readFile' | 'writeFile' | 'editFile' | 'listDirectory' | 'searchFiles' | 'deleteFile';

export const allCorpusTools: readonly CorpusToolName[] = ['readFile', 'listDirectory', 'searchFiles', 'editFile', 'writeFile', 'deleteFile'];
const readOnlyTools: readonly CorpusToolName[] = ['readFile', 'listDirectory', 'searchFiles'];

export interface EscapeAttempt {
  category: string;
  path: string;
  /**
   * `escape`: leads outside the jail or to a denied file; every tool must refuse.
   * `literal`: an odd but legitimate name inside the jail (`%2e%2e%2f` is just a file name to the
   * kernel); a tool may create or act on it, as long as the effect stays inside and off denied files.
   */
  kind: 'escape' | 'literal';
  tools: readonly CorpusToolName[];
}

/**
 * The corpus. Paths at system files (/etc, /proc, /dev, `/`) get only the reading tools: the
 * suite runs as root in CI containers, and a hole must not cost the machine its /etc/passwd. The
 * writing tools meet the same forms pointed at the canary folder instead.
 */
export function escapeAttempts(fixture: EscapeFixture): EscapeAttempt[] {
  const attempts: EscapeAttempt[] = [];
  const add = (category: string, kind: EscapeAttempt['kind'], paths: string[], tools: readonly CorpusToolName[] = allCorpusTools) => {
    for (const candidate of paths) attempts.push({ category, path: candidate, kind, tools });
  };
  const outsideName = 'outside';

  add('traversal', 'escape', [
    '..',
    '../',
    '../.',
    '..//',
    `../${outsideName}`,
    `../${outsideName}/canary.txt`,
    `../${outsideName}/new-file.txt`,
    `../${outsideName}/sub/new-folder/new-file.txt`,
    `../../${fixture.escapeName}`,
    `./././../${outsideName}/canary.txt`,
    `src/../../${outsideName}/canary.txt`,
    `src/./../.././${outsideName}/canary.txt`,
    `docs/../src/../../${outsideName}/canary.txt`,
    `nested/../../${outsideName}/sub/deep.txt`,
    `.//..//${outsideName}//canary.txt`,
    `src/../../repo/../${outsideName}/canary.txt`,
    '../repo-sibling/canary.txt',
    '../repo-sibling/new-file.txt',
    '../repo/.env',
    '../repo/./id_rsa',
    `../${outsideName}/pipe`,
  ]);
  add(
    'traversal to system files',
    'escape',
    ['../../../../../../../../etc/passwd', '../../../../../../../../proc/self/environ', '../../../../../../../../dev/zero'],
    readOnlyTools,
  );

  add('absolute path', 'escape', [
    `${fixture.outside}/canary.txt`,
    `${fixture.outside}/new-file.txt`,
    fixture.outside,
    `${fixture.sibling}/canary.txt`,
    `${fixture.root}/.env`,
    `${fixture.root}/src/index.ts`,
    `${fixture.root}/../${outsideName}/canary.txt`,
    `/${fixture.outside.slice(1).split('/').join('//')}/canary.txt`,
  ]);
  add(
    'absolute system path',
    'escape',
    [
      '/etc/passwd',
      '/etc/shadow',
      '//etc/passwd',
      '/./etc/../etc/passwd',
      '/root/.ssh/id_rsa',
      '/',
      '/etc',
      '/proc/self/environ',
      '/proc/self/cwd/../..',
      '/proc/self/root/etc/passwd',
      '/proc/self/fd/0',
      '/dev/zero',
      '/dev/null',
      '/dev/stdin',
      '/sys/kernel',
    ],
    readOnlyTools,
  );

  add('home directory', 'escape', ['~/.ssh/id_rsa', '$HOME/.ssh/id_rsa', '${HOME}/.ssh/id_ed25519', '~root/.ssh/id_rsa']);
  add('home directory (literal folder name)', 'literal', ['~/.bashrc', '$HOME/.bashrc', '${HOME}/.profile', '%USERPROFILE%/.ssh/config']);

  add('URL-encoded', 'literal', [
    `%2e%2e%2f${outsideName}%2fcanary.txt`,
    `%2e%2e/${outsideName}/canary.txt`,
    `..%2f${outsideName}%2fcanary.txt`,
    `.%2e/${outsideName}/canary.txt`,
    `%2E%2E%2F${outsideName}%2Fcanary.txt`,
    `..%5c${outsideName}%5ccanary.txt`,
    '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  ]);
  add('double-encoded', 'literal', [
    `%252e%252e%252f${outsideName}%252fcanary.txt`,
    `..%252f${outsideName}%252fcanary.txt`,
    `%25%32%65%25%32%65%25%32%66${outsideName}`,
  ]);
  add('overlong UTF-8 encoding', 'literal', [`..%c0%af${outsideName}%c0%afcanary.txt`, `%c0%ae%c0%ae/${outsideName}/canary.txt`]);
  add('unicode look-alike', 'literal', [
    `．．／${outsideName}／canary.txt`,
    `..∕${outsideName}∕canary.txt`,
    `..⁄${outsideName}⁄canary.txt`,
    `‥/${outsideName}/canary.txt`,
    `..＼${outsideName}＼canary.txt`,
    `.\u2024/${outsideName}/canary.txt`,
    '.ｅｎｖ',
  ]);
  add('backslash', 'literal', [
    `..\\${outsideName}\\canary.txt`,
    `..\\..\\${outsideName}\\new-file.txt`,
    `src\\..\\..\\${outsideName}\\canary.txt`,
    'C:\\Windows\\win.ini',
    `\\\\server\\share\\canary.txt`,
  ]);
  add('NUL byte', 'escape', ['.env\0.txt', `..\0/${outsideName}/canary.txt`, `src/index.ts\0../../${outsideName}/canary.txt`, '\0']);
  add('trailing dot or space', 'escape', [
    '.env.',
    'id_rsa ',
    'id_rsa.',
    'secrets.json.',
    'credentials.json ',
    `../${outsideName}/canary.txt.`,
    `../${outsideName}/canary.txt/.`,
  ]);
  add('trailing dot or space (a different file on Linux)', 'literal', ['.env ', '.npmrc ', '.git.', '.git ']);
  add('very long path', 'escape', [`${'../'.repeat(2000)}etc/passwd`, `${'x/'.repeat(2100)}${'../'.repeat(2101)}${outsideName}/canary.txt`], readOnlyTools);
  add('very long path', 'escape', [`${'x/'.repeat(600)}${'../'.repeat(601)}${outsideName}/canary.txt`]);
  add('very long name', 'literal', ['n'.repeat(300), `${'deep/'.repeat(900)}file.txt`]);

  add('case variant of a denied name', 'escape', [
    '.ENV',
    '.Env.local',
    '.eNv.production',
    'ID_RSA',
    'Id_Rsa.pub',
    'ID_ED25519',
    'config/CREDENTIALS.JSON',
    'config/Credentials.Json',
    'SECRETS.json',
    'Secrets.YAML',
    'tls/server.PEM',
    'tls/private.KEY',
    '.NPMRC',
    '.NetRC',
    '.PyPiRc',
    'sub/.ENV',
    'deep/nested/.env.Local',
  ]);
  add('denied name', 'escape', [
    '.env',
    '.env.local',
    'id_rsa',
    'config/credentials.json',
    'secrets.json',
    'tls/server.pem',
    '.npmrc',
    'notes/../.env',
    './.env',
    'src/../id_rsa',
  ]);
  add('.git', 'escape', [
    '.git',
    '.git/',
    '.git/config',
    '.git/HEAD',
    '.git/hooks/pre-commit',
    '.git/hooks/post-checkout',
    '.git/info/attributes',
    './.git/config',
    'src/../.git/hooks/pre-commit',
    '.GIT/config',
    '.Git/hooks/pre-commit',
    'nested/.git/config',
    'nested/.git/hooks/pre-commit',
  ]);

  add('symbolic link', 'escape', [
    'link-passwd',
    'link-parent',
    'link-parent/',
    `link-parent/${outsideName}/canary.txt`,
    `link-parent/${outsideName}/new-file.txt`,
    'link-outside',
    'link-outside/canary.txt',
    'link-outside/new-file.txt',
    'link-outside/sub',
    'link-outside-absolute/canary.txt',
    'link-canary',
    'chain-a',
    'chain-b',
    'link-env',
    'docs/link-id-rsa',
    'innocent.txt',
    'link-config/credentials.json',
    'link-git',
    'link-git/config',
    'link-git/hooks/pre-commit',
    'link-dangling',
    'link-dangling-folder/new-file.txt',
    'link-loop-a',
    'link-loop-a/file.txt',
    'link-outside-pipe',
    'link-sibling/canary.txt',
    'link-sibling/new-file.txt',
  ]);
  // `..` is resolved by name, as path.resolve does, not through the link: this names
  // <root>/outside/canary.txt, a new file inside the jail, whatever the kernel would make of it.
  add('symbolic link followed by ..', 'literal', [`link-outside/../${outsideName}/canary.txt`]);
  add(
    'symbolic link to system files',
    'escape',
    ['link-root/etc/passwd', 'link-root/etc', 'link-proc/environ', 'link-proc/cwd', 'link-proc/root/etc/passwd', 'link-dev-zero'],
    readOnlyTools,
  );

  add('hard link', 'escape', ['hardlink-canary.txt', 'notes.txt', './notes.txt']);
  add('FIFO', 'escape', ['pipe', './pipe']);
  return attempts;
}
