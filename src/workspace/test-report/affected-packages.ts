import type { WorkspaceLayout, WorkspacePackage } from './workspace-packages.ts';

/**
 * The packages a change touches, plus every package that depends on them, transitively, in the
 * layout's order. A file outside every package (root config, lockfile, shared tsconfig) can
 * change any package's build or tests, so it affects them all.
 */
export function affectedPackages(layout: WorkspaceLayout, changedPaths: string[]): WorkspacePackage[] {
  const touched = new Set<string>();
  for (const changedPath of changedPaths) {
    const owner = owningPackage(layout, changedPath.replace(/\\/g, '/').replace(/^\.\//, ''));
    if (owner === undefined) return layout.packages;
    touched.add(owner.directory);
  }
  // Walk the dependency edges backwards until no new dependent turns up.
  let grew = true;
  while (grew) {
    grew = false;
    for (const item of layout.packages) {
      if (!touched.has(item.directory) && item.dependsOn.some((directory) => touched.has(directory))) {
        touched.add(item.directory);
        grew = true;
      }
    }
  }
  return layout.packages.filter((item) => touched.has(item.directory));
}

/** The deepest package whose folder holds the file: a nested package owns its own files. */
function owningPackage(layout: WorkspaceLayout, file: string): WorkspacePackage | undefined {
  let owner: WorkspacePackage | undefined;
  for (const item of layout.packages) {
    if (file.startsWith(`${item.directory}/`) && (owner === undefined || item.directory.length > owner.directory.length)) owner = item;
  }
  return owner;
}
