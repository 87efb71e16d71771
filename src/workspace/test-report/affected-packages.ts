import type { WorkspaceLayout, WorkspacePackage } from './workspace-packages.ts';

/** The packages a change touches, plus every package that depends on them, transitively. */
export function affectedPackages(_layout: WorkspaceLayout, _changedPaths: string[]): WorkspacePackage[] {
  return [];
}
