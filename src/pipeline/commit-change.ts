import type { Plan } from '../agent/plan.ts';
import { runGit } from '../workspace/git.ts';
import { stageAll } from './change-files.ts';

const commitTypes: Record<string, string> = { fix: 'fix', debug: 'fix', implement: 'feat', refactor: 'refactor' };

/** Commits the staged change on the agent branch: `fix(scope): summary`, a body, a trailer. */
export async function commitChange(root: string, options: { type: string; operationId: string; plan: Plan; description: string }): Promise<string> {
  await stageAll(root);
  // A revision that ends where the previous one did has nothing new to commit.
  const unchanged = await runGit(root, ['diff', '--cached', '--quiet', 'HEAD'], { allowFailure: true });
  if (unchanged.exitCode === 0) return (await runGit(root, ['rev-parse', 'HEAD'])).stdout.trim();
  const scope = scopeOf(options.plan.affectedFiles);
  const summary = options.plan.summary.split('\n')[0]!.replace(/\.$/, '');
  const subject = `${commitTypes[options.type] ?? 'chore'}${scope ? `(${scope})` : ''}: ${summary.charAt(0).toLowerCase()}${summary.slice(1)}`.slice(0, 100);
  const body = [options.plan.rootCause, '', `Task: ${options.description.split('\n')[0]!.slice(0, 200)}`].join('\n');
  await runGit(root, ['commit', '--quiet', '--no-verify', '-m', subject, '-m', body, '-m', `Mender-Operation: ${options.operationId}`]);
  return (await runGit(root, ['rev-parse', 'HEAD'])).stdout.trim();
}

function scopeOf(files: string[]): string | undefined {
  const source = files.find((file) => !/(^|\/)(test|tests|__tests__)\/|\.(test|spec)\./.test(file)) ?? files[0];
  if (!source) return undefined;
  const base = source
    .split('/')
    .pop()!
    .replace(/\.[^.]+$/, '');
  return base.replace(/[^a-zA-Z0-9_-]/g, '') || undefined;
}
