import type { PackageManifest } from './expand-script-chain.ts';

/** One package of a workspace (monorepo). */
export interface WorkspacePackage {
  /** From its package.json; pnpm allows a package without one. */
  name?: string;
  /** Posix path relative to the repository root, e.g. `packages/core`. */
  directory: string;
  manifest: PackageManifest;
  /** Directories of the workspace packages it depends on (dependencies, dev, peer, optional). */
  dependsOn: string[];
}

export interface WorkspaceLayout {
  /** Whose workspace file declared the packages: pnpm-workspace.yaml, or package.json (npm or yarn). */
  manager: 'npm' | 'pnpm' | 'yarn';
  /** Sorted by directory. */
  packages: WorkspacePackage[];
}

/** The repository's workspace packages; undefined when it declares no workspaces. */
export function readWorkspaceLayout(_root: string): WorkspaceLayout | undefined {
  return undefined;
}
