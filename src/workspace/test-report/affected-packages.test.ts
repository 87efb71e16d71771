import { describe, expect, it } from 'vitest';
import { affectedPackages } from './affected-packages.ts';
import type { WorkspaceLayout, WorkspacePackage } from './workspace-packages.ts';

const workspacePackage = (directory: string, dependsOn: string[] = []): WorkspacePackage => ({
  name: directory.split('/').pop() ?? directory,
  directory,
  manifest: { scripts: { test: 'vitest run' } },
  dependsOn,
});

// core ← utils ← app; docs stands alone; core/plugins is a package nested in core's folder.
const LAYOUT: WorkspaceLayout = {
  manager: 'npm',
  packages: [
    workspacePackage('packages/app', ['packages/utils']),
    workspacePackage('packages/core'),
    workspacePackage('packages/core/plugins'),
    workspacePackage('packages/docs'),
    workspacePackage('packages/utils', ['packages/core']),
  ],
};

const affected = (changedPaths: string[]): string[] => affectedPackages(LAYOUT, changedPaths).map((item) => item.directory);

describe('affectedPackages', () => {
  it('is the package that contains the changed file when nothing depends on it', () => {
    expect(affected(['packages/app/src/index.ts'])).toEqual(['packages/app']);
    expect(affected(['packages/docs/README.md', 'packages/docs/guide.md'])).toEqual(['packages/docs']);
  });

  it('adds the packages that depend on a changed package, transitively', () => {
    expect(affected(['packages/core/src/index.ts'])).toEqual(['packages/app', 'packages/core', 'packages/utils']);
    expect(affected(['packages/utils/index.js'])).toEqual(['packages/app', 'packages/utils']);
  });

  it('gives a file in a nested package to the nested package only', () => {
    expect(affected(['packages/core/plugins/index.js'])).toEqual(['packages/core/plugins']);
  });

  it('does not mistake a folder with a common prefix for the package', () => {
    expect(affected(['packages/app-legacy/index.js'])).toHaveLength(LAYOUT.packages.length);
  });

  it('affects every package when a file outside every package changed (root config, lockfile)', () => {
    expect(affected(['packages/docs/a.md', 'package-lock.json'])).toHaveLength(LAYOUT.packages.length);
    expect(affected(['./tsconfig.base.json'])).toHaveLength(LAYOUT.packages.length);
  });
});
