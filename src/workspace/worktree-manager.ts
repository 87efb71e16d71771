import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runGit } from './git.ts';

export interface CreateWorktreeOptions {
  repoPath: string;
  operationId: string;
  branch: string;
  /** Commit or branch the new worktree starts from. */
  startPoint: string;
  /** Point the branch at startPoint even when it exists (a rebuilt worktree discards half-done work). */
  resetBranch: boolean;
}

/**
 * Git worktrees of operations, one per operation under `<dataDir>/worktrees`. They are
 * disposable: a resumed operation gets a fresh one.
 */
export class WorktreeManager {
  constructor(private readonly root: string) {
    fs.mkdirSync(root, { recursive: true });
  }

  pathFor(operationId: string): string {
    return path.join(this.root, operationId);
  }

  async create(options: CreateWorktreeOptions): Promise<string> {
    const target = this.pathFor(options.operationId);
    // A leftover from a crash or an earlier step; a fresh path needs no git calls.
    if (fs.existsSync(target)) await this.remove(options.repoPath, options.operationId);
    const branchArguments = options.resetBranch ? ['-B', options.branch, target, options.startPoint] : [target, options.branch];
    await runGit(options.repoPath, ['worktree', 'add', '--quiet', ...branchArguments]);
    linkDependencies(options.repoPath, target);
    return fs.realpathSync(target);
  }

  /**
   * A read-only look at a commit (planning) in its own folder, so it never races the
   * operation's own worktree, which the next step may already be building.
   */
  async createDetached(repoPath: string, name: string, commit: string): Promise<string> {
    const target = this.pathFor(name);
    if (fs.existsSync(target)) await this.remove(repoPath, name);
    await runGit(repoPath, ['worktree', 'add', '--quiet', '--detach', target, commit]);
    linkDependencies(repoPath, target);
    return fs.realpathSync(target);
  }

  async remove(repoPath: string, operationId: string): Promise<void> {
    const target = this.pathFor(operationId);
    await runGit(repoPath, ['worktree', 'remove', '--force', '--force', target], { allowFailure: true });
    fs.rmSync(target, { recursive: true, force: true });
    await runGit(repoPath, ['worktree', 'prune'], { allowFailure: true });
  }

  /** Removes worktree folders no live operation owns, and git's records of vanished ones. */
  async prune(repoPaths: string[], liveOperationIds: ReadonlySet<string>): Promise<string[]> {
    const removed: string[] = [];
    for (const entry of fs.readdirSync(this.root)) {
      if (liveOperationIds.has(entry)) continue;
      fs.rmSync(path.join(this.root, entry), { recursive: true, force: true });
      removed.push(entry);
    }
    for (const repoPath of repoPaths) {
      if (fs.existsSync(repoPath)) await runGit(repoPath, ['worktree', 'prune'], { allowFailure: true });
    }
    return removed;
  }
}

/**
 * Makes the checkout's installed dependencies available without a fresh install: a symlink to
 * its node_modules when the lockfile is the same (hash-compared), so tests run in milliseconds.
 */
function linkDependencies(repoPath: string, worktree: string): void {
  const installed = path.join(repoPath, 'node_modules');
  const link = path.join(worktree, 'node_modules');
  if (!fs.existsSync(installed) || fs.existsSync(link)) return;
  if (lockfileHash(repoPath) !== lockfileHash(worktree)) return;
  // Link to the real folder: one hop, so a sandbox that binds it sees the packages.
  fs.symlinkSync(fs.realpathSync(installed), link, 'dir');
}

function lockfileHash(folder: string): string {
  const hash = crypto.createHash('sha256');
  for (const name of ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock']) {
    const file = path.join(folder, name);
    if (fs.existsSync(file)) hash.update(name).update(fs.readFileSync(file));
  }
  return hash.digest('hex');
}
