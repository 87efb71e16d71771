import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Commits `first` and `second` of an app in `folder` (a git repository is made there), then
 * `broken`, whose files `breakFiles` makes unable to start; main is left at `second`.
 */
export function commitThreeReleases(
  folder: string,
  files: Record<string, string>,
  breakFiles: Record<string, string>,
): { first: string; second: string; broken: string } {
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: folder, encoding: 'utf8' }).trim();
  const write = (contents: Record<string, string>) => {
    for (const [file, content] of Object.entries(contents)) fs.writeFileSync(path.join(folder, file), content);
  };
  git('init', '-q', '-b', 'main');
  write(files);
  git('add', '-A');
  git('commit', '-q', '-m', 'first release');
  const first = git('rev-parse', 'HEAD');
  fs.writeFileSync(path.join(folder, 'CHANGELOG'), 'second release\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'second release');
  const second = git('rev-parse', 'HEAD');
  git('checkout', '-q', '-b', 'broken');
  write(breakFiles);
  git('add', '-A');
  git('commit', '-q', '-m', 'a release that cannot start');
  const broken = git('rev-parse', 'HEAD');
  git('checkout', '-q', 'main');
  return { first, second, broken };
}
