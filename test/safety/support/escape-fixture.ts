import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomToken, type PlantedSecret } from './secret-fragments.ts';

/**
 * A worktree full of things the agent must not reach, next to folders it must not change:
 *
 *     <base>/repo            the jail: secrets in denied files, a .git folder, links of every kind
 *     <base>/outside         a canary file, a FIFO and a sub-folder
 *     <base>/repo-sibling    a folder whose name starts with the jail's (a classic prefix-check bug)
 *
 * Built again in place whenever an attempt changed something, so every attempt meets the same tree.
 */
export interface EscapeFixture {
  base: string;
  root: string;
  outside: string;
  sibling: string;
  /** Content of denied files and of the canaries outside: none may show in a tool result. */
  secrets: PlantedSecret[];
  /** Marks written by the corpus; finding one outside the jail is an escape. */
  writeMarker: string;
  /** A file name of this run only, for writes aimed above the base folder. */
  escapeName: string;
  /** Names (root-relative) of the symbolic links in the jail. */
  linkNames: string[];
  rebuild(): void;
  remove(): void;
}

const passwdFirstLine = (() => {
  try {
    return fs.readFileSync('/etc/passwd', 'utf8').split('\n')[0] ?? '';
  } catch {
    return '';
  }
})();

export function createEscapeFixture(): EscapeFixture {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-escape-corpus-')));
  const root = path.join(base, 'repo');
  const outside = path.join(base, 'outside');
  const sibling = path.join(base, 'repo-sibling');
  const token = () => randomToken(32);
  const values = {
    dotEnv: token(),
    dotEnvLocal: token(),
    privateKey: token(),
    credentials: token(),
    secretsJson: token(),
    pem: token(),
    npmToken: token(),
    gitConfig: token(),
    nestedGitConfig: token(),
    outsideCanary: token(),
    outsideDeep: token(),
    siblingCanary: token(),
  };
  const secrets: PlantedSecret[] = [
    { name: '.env', value: values.dotEnv },
    { name: '.env.local', value: values.dotEnvLocal },
    { name: 'id_rsa', value: values.privateKey },
    { name: 'config/credentials.json', value: values.credentials },
    { name: 'secrets.json', value: values.secretsJson },
    { name: 'tls/server.pem', value: values.pem },
    { name: '.npmrc', value: values.npmToken },
    { name: '.git/config', value: values.gitConfig },
    { name: 'nested/.git/config', value: values.nestedGitConfig },
    { name: 'outside/canary.txt', value: values.outsideCanary },
    { name: 'outside/sub/deep.txt', value: values.outsideDeep },
    { name: 'repo-sibling/canary.txt', value: values.siblingCanary },
  ];
  if (passwdFirstLine.length >= 12) secrets.push({ name: '/etc/passwd', value: passwdFirstLine });
  // /proc/self/environ holds the environment the process started with; PATH is in it.
  const startPath = process.env.PATH ?? '';
  if (startPath.length >= 12) secrets.push({ name: '/proc/self/environ (PATH)', value: startPath });

  const files: Record<string, string> = {
    'repo/.env': `STRIPE_SECRET=${values.dotEnv}\n`,
    'repo/.env.local': `LOCAL_SECRET=${values.dotEnvLocal}\n`,
    'repo/id_rsa': `-----BEGIN OPENSSH PRIVATE KEY-----\n${values.privateKey}\n-----END OPENSSH PRIVATE KEY-----\n`,
    'repo/config/credentials.json': `${JSON.stringify({ token: values.credentials })}\n`,
    'repo/config/app.json': '{ "name": "app" }\n',
    'repo/secrets.json': `${JSON.stringify({ apiKey: values.secretsJson })}\n`,
    'repo/tls/server.pem': `${values.pem}\n`,
    'repo/.npmrc': `//registry.npmjs.org/:_authToken=${values.npmToken}\n`,
    'repo/.git/config': `[core]\n\trepositoryformatversion = 0\n# ${values.gitConfig}\n`,
    'repo/.git/HEAD': 'ref: refs/heads/main\n',
    'repo/.git/hooks/pre-commit': '#!/bin/sh\nexit 0\n',
    'repo/nested/.git/config': `# ${values.nestedGitConfig}\n`,
    'repo/nested/readme.md': 'a nested checkout\n',
    'repo/src/index.ts': 'export const answer = 42;\n',
    'repo/docs/guide.md': '# Guide\n',
    'repo/README.md': '# Repo\n',
    'outside/canary.txt': `${values.outsideCanary}\n`,
    'outside/sub/deep.txt': `${values.outsideDeep}\n`,
    'repo-sibling/canary.txt': `${values.siblingCanary}\n`,
  };

  // Link name → target, created as given (relative targets resolve from the link's folder).
  const links: Record<string, string> = {
    'link-passwd': '/etc/passwd',
    'link-parent': '..',
    'link-outside': '../outside',
    'link-outside-absolute': outside,
    'link-canary': '../outside/canary.txt',
    'chain-a': 'chain-b',
    'chain-b': 'chain-c',
    'chain-c': '../outside/canary.txt',
    'link-env': '.env',
    'docs/link-id-rsa': '../id_rsa',
    'innocent.txt': 'config/credentials.json',
    'link-config': 'config',
    'link-git': '.git',
    'link-dangling': '../outside/created-through-link.txt',
    'link-dangling-folder': '../outside/new-folder',
    'link-loop-a': 'link-loop-b',
    'link-loop-b': 'link-loop-a',
    'link-proc': '/proc/self',
    'link-root': '/',
    'link-dev-zero': '/dev/zero',
    'link-outside-pipe': '../outside/pipe',
    'link-sibling': '../repo-sibling',
  };

  function build(): void {
    for (const [relative, content] of Object.entries(files)) {
      const absolute = path.join(base, relative);
      fs.mkdirSync(path.dirname(absolute), { recursive: true });
      fs.writeFileSync(absolute, content);
    }
    for (const [relative, target] of Object.entries(links)) fs.symlinkSync(target, path.join(root, relative));
    // Hard links: one to a file outside, one giving the denied .env an innocent name.
    fs.linkSync(path.join(outside, 'canary.txt'), path.join(root, 'hardlink-canary.txt'));
    fs.linkSync(path.join(root, '.env'), path.join(root, 'notes.txt'));
    execFileSync('mkfifo', [path.join(root, 'pipe'), path.join(outside, 'pipe')]);
  }

  function clear(): void {
    for (const folder of [root, outside, sibling]) fs.rmSync(folder, { recursive: true, force: true });
  }

  build();
  return {
    base,
    root,
    outside,
    sibling,
    secrets,
    writeMarker: `corpus-write-${randomToken(16)}`,
    escapeName: `mender-corpus-escaped-${randomToken(12)}.txt`,
    linkNames: Object.keys(links),
    rebuild() {
      clear();
      build();
    },
    remove() {
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}
