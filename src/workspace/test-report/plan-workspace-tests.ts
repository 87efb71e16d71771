import path from 'node:path';
import { affectedPackages } from './affected-packages.ts';
import { planTestChain, type ChainPlan, type FollowWorkspaces, type PlannedStep } from './expand-script-chain.ts';
import { quoteShellArgument } from './shell-command.ts';
import { readWorkspaceDelegation, type WorkspaceDelegation } from './workspace-delegation.ts';
import { inDependencyOrder } from './workspace-package-order.ts';
import { readWorkspaceLayout, type WorkspaceLayout, type WorkspacePackage } from './workspace-packages.ts';

export interface WorkspacePlanOptions {
  /** Changed files relative to the repository root; none or empty: every selected package runs. */
  changedPaths?: string[];
  /** Each package's steps write their reports in a folder of their own under this one. */
  reportFolder: string;
  /** Scripts followed to reach the workspace command, outermost first. */
  scripts: string[];
}

/**
 * Runs the delegated script in each selected package that the change affects, dependencies first:
 * `cd` into the package and run its script expanded from its own package.json, as the package
 * manager would. Every package runs even after one fails, so each one's tests are read; the
 * command fails when any did. Steps carry the package name in `scripts` and its folder, so test
 * files stay relative to the repository root. A package without the script is listed as a step.
 */
export function planWorkspaceTests(layout: WorkspaceLayout, delegation: WorkspaceDelegation, options: WorkspacePlanOptions): ChainPlan {
  const selected = layout.packages.filter((item) => isSelected(item, delegation));
  const changed = options.changedPaths ?? [];
  const affected = changed.length === 0 ? selected : affectedPackages(layout, changed).filter((item) => selected.includes(item));
  const steps: PlannedStep[] = [];
  const parts: string[] = [];
  for (const [index, item] of inDependencyOrder(affected).entries()) {
    const label = item.name ?? item.directory;
    if (item.manifest.scripts[delegation.script] === undefined) {
      steps.push({
        command: `(${delegation.script} in ${item.directory})`,
        scripts: [...options.scripts, label],
        runner: 'unknown',
        fallbackReason: `package ${label} has no ${delegation.script} script: skipped`,
      });
      continue;
    }
    const folder = path.join(options.reportFolder, `package-${index + 1}`);
    const plan = planTestChain(packageCommand(delegation), item.manifest, folder);
    steps.push(...plan.steps.map((step) => ({ ...step, scripts: [...options.scripts, label, ...step.scripts], directory: item.directory })));
    parts.push(`(mkdir -p ${quoteShellArgument(folder)} && cd ${quoteShellArgument(item.directory)} && ${plan.command})`);
  }
  const command = parts.length === 0 ? 'true' : `(status=0; ${parts.map((part) => `${part} || status=1`).join('; ')}; exit $status)`;
  return { command, steps };
}

/** The follower planTestChain uses in `root`: the layout is read once, when a workspace command turns up. */
export function workspaceFollower(root: string, changedPaths?: string[]): FollowWorkspaces {
  let layout: WorkspaceLayout | undefined | null = null;
  return (words, scripts, reportFolder) => {
    const reading = readWorkspaceDelegation(words);
    if (reading === undefined || 'refused' in reading) return reading?.refused;
    if (layout === null) layout = readWorkspaceLayout(root);
    if (layout === undefined) return undefined;
    return planWorkspaceTests(layout, reading, { changedPaths, reportFolder, scripts });
  };
}

function packageCommand(delegation: WorkspaceDelegation): string {
  const extra = delegation.extraArguments.map(quoteShellArgument).join(' ');
  if (extra === '') return `${delegation.manager} run ${delegation.script}`;
  return delegation.manager === 'npm' ? `npm run ${delegation.script} -- ${extra}` : `${delegation.manager} run ${delegation.script} ${extra}`;
}

/** A selector is a package name or name glob (`@x/*`), or a folder holding the package (`./packages/a`, `{apps}`). */
function isSelected(item: WorkspacePackage, delegation: WorkspaceDelegation): boolean {
  const matches = (selector: string): boolean => {
    if (item.name !== undefined && globExpression(selector).test(item.name)) return true;
    const folder = selector
      .replace(/^\{(.*)\}$/, '$1')
      .replace(/^\.\//, '')
      .replace(/\/+$/, '');
    return folder !== '' && (item.directory === folder || item.directory.startsWith(`${folder}/`) || globExpression(folder).test(item.directory));
  };
  const included = delegation.include.length === 0 || delegation.include.some(matches);
  return included && !delegation.exclude.some(matches);
}

function globExpression(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
}
