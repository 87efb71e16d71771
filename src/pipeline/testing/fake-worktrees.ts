import { execFileSync } from 'node:child_process';
import type { CreateWorktreeOptions } from '../../workspace/worktree-manager.ts';
import type { Worktrees } from '../pipeline-ports.ts';
import type { CallLog } from './call-log.ts';

/**
 * Worktrees that are the repository's own checkout: a test's repository is a throwaway, so the
 * step may change it in place. `create` switches the checkout to the operation's branch at its
 * start point, as a new worktree would be; `createDetached` (planning, read-only) leaves it as is.
 */
export class FakeWorktrees implements Worktrees {
  readonly created: (CreateWorktreeOptions | { repoPath: string; name: string; commit: string })[] = [];

  constructor(private readonly log: CallLog) {}

  async create(options: CreateWorktreeOptions): Promise<string> {
    this.created.push(options);
    this.log.push(`worktrees.create ${options.operationId}`);
    execFileSync('git', ['checkout', '--quiet', options.resetBranch ? '-B' : '-b', options.branch, options.startPoint], {
      cwd: options.repoPath,
      stdio: 'ignore',
    });
    return options.repoPath;
  }

  async createDetached(repoPath: string, name: string, commit: string): Promise<string> {
    this.created.push({ repoPath, name, commit });
    this.log.push(`worktrees.createDetached ${name}`);
    return repoPath;
  }

  async remove(_repoPath: string, operationId: string): Promise<void> {
    this.log.push(`worktrees.remove ${operationId}`);
  }
}
