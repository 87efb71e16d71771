/**
 * A tiny git repository in a temporary folder, for the few step decisions that read git (the
 * default branch's commit, the diff, the commit on the agent branch). Made with plain git calls
 * (the repository is ours, so runGit's per-call configuration checks are not needed): a few
 * milliseconds each.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RepoRow } from '../../store/repo-store.ts';

export interface ThrowawayRepository {
  path: string;
  /** The commit of `main` after the initial files. */
  base: string;
  row: RepoRow;
  write(file: string, content: string): void;
  /** Plain git in the repository (setting up branches and commits); returns its trimmed output. */
  git(...args: string[]): string;
  remove(): void;
}

const identity = {
  PATH: process.env.PATH ?? '',
  HOME: os.tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@localhost',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@localhost',
};

export async function throwawayRepository(files: Record<string, string>): Promise<ThrowawayRepository> {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-step-')));
  const write = (file: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  };
  for (const [file, content] of Object.entries(files)) write(file, content);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, env: identity, encoding: 'utf8' }).trim();
  git('init', '--quiet', '--initial-branch=main');
  git('add', '-A');
  git('commit', '--quiet', '--no-verify', '-m', 'initial');
  const base = git('rev-parse', 'HEAD');
  return {
    path: root,
    base,
    // An explicit test command: no package.json detection decides what the step runs.
    row: {
      id: 'repo1',
      name: 'shop',
      path: root,
      defaultBranch: 'main',
      commands: { test: 'npm test' },
      source: 'api',
      deploy: null,
      self: false,
      dataFolderId: null,
      remoteUrl: null,
      createdAt: new Date('2026-01-01T00:00:00Z'),
    },
    write,
    git,
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
