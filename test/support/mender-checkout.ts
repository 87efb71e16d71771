import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const projectRoot = path.resolve(import.meta.dirname, '../..');

export interface MenderCheckout {
  folder: string;
  git(...args: string[]): string;
  /** Writes the files (path → content; null deletes) and commits them on main; returns the commit. */
  commit(files: Record<string, string | null>, message: string): string;
}

/**
 * A copy of this repository as it is on disk (tracked and untracked files that git does not
 * ignore), committed as one commit on `main` of a new repository in `folder`, with this
 * checkout's node_modules linked in: Mender's own code, as a team would run it from a checkout.
 */
export function copyMenderCheckout(folder: string): MenderCheckout {
  fs.mkdirSync(folder, { recursive: true });
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: projectRoot })
    .toString()
    .split('\0')
    .filter((file) => file && fs.existsSync(path.join(projectRoot, file)));
  for (const file of files) fs.cpSync(path.join(projectRoot, file), path.join(folder, file), { recursive: true, verbatimSymlinks: true });
  fs.symlinkSync(fs.realpathSync(path.join(projectRoot, 'node_modules')), path.join(folder, 'node_modules'), 'dir');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', ...args], { cwd: folder, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '--no-verify', '-m', 'mender');
  return {
    folder,
    git,
    commit(changes, message) {
      for (const [file, content] of Object.entries(changes)) {
        const target = path.join(folder, file);
        if (content === null) fs.rmSync(target, { force: true });
        else {
          fs.mkdirSync(path.dirname(target), { recursive: true });
          fs.writeFileSync(target, content);
        }
      }
      git('add', '-A');
      git('commit', '-q', '--no-verify', '-m', message);
      return git('rev-parse', 'HEAD');
    },
  };
}
