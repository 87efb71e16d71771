import type { WorkspacePackage } from './workspace-packages.ts';

/**
 * The packages with each one after the packages it depends on (among those given), otherwise in
 * the given order. Packages in a dependency cycle keep the given order after the rest.
 */
export function inDependencyOrder(packages: WorkspacePackage[]): WorkspacePackage[] {
  const pending = [...packages];
  const ordered: WorkspacePackage[] = [];
  const placed = new Set<string>();
  const given = new Set(packages.map((item) => item.directory));
  while (pending.length > 0) {
    const ready = pending.findIndex((item) => item.dependsOn.every((directory) => placed.has(directory) || !given.has(directory)));
    const [next] = pending.splice(ready >= 0 ? ready : 0, 1);
    if (next === undefined) break;
    ordered.push(next);
    placed.add(next.directory);
  }
  return ordered;
}
