import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { PackageManifest } from './expand-script-chain.ts';
import { readPackageManifest } from './package-manifest.ts';
import { expandWorkspacePatterns } from './workspace-globs.ts';

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

const stringRecord = z.record(z.string(), z.unknown()).catch({});
const rootSchema = z.object({ workspaces: z.union([z.array(z.string()), z.object({ packages: z.array(z.string()) }).loose()]).optional() }).loose();
const pnpmSchema = z.object({ packages: z.array(z.string()).optional() }).loose();
const dependencySchema = z
  .object({ dependencies: stringRecord, devDependencies: stringRecord, peerDependencies: stringRecord, optionalDependencies: stringRecord })
  .partial()
  .loose();

/** The repository's workspace packages; undefined when it declares no workspaces. */
export function readWorkspaceLayout(root: string): WorkspaceLayout | undefined {
  const declared = declaredPatterns(root);
  if (declared === undefined) return undefined;
  const directories = expandWorkspacePatterns(root, declared.patterns).filter((directory) => isPackageFolder(path.join(root, directory)));
  const read = directories.map((directory) => ({
    directory,
    manifest: readPackageManifest(path.join(root, directory)),
    dependencies: readDependencies(path.join(root, directory)),
  }));
  const byName = new Map(read.filter((item) => item.manifest.name !== undefined).map((item) => [item.manifest.name, item.directory]));
  const packages = read.map(({ directory, manifest, dependencies }): WorkspacePackage => {
    const dependsOn = new Set<string>();
    for (const [name, version] of dependencies) {
      // `file:../core` and `link:../core` point at a folder; anything else names a package.
      const linked = /^(file|link):/.test(version) ? path.posix.normalize(path.posix.join(directory, version.replace(/^(file|link):/, ''))) : undefined;
      const target = linked !== undefined && directories.includes(linked) ? linked : byName.get(name);
      if (target !== undefined && target !== directory) dependsOn.add(target);
    }
    return { ...(manifest.name !== undefined ? { name: manifest.name } : {}), directory, manifest, dependsOn: [...dependsOn].sort() };
  });
  return { manager: declared.manager, packages };
}

function declaredPatterns(root: string): { manager: WorkspaceLayout['manager']; patterns: string[] } | undefined {
  const pnpmFile = readText(path.join(root, 'pnpm-workspace.yaml'));
  if (pnpmFile !== undefined) {
    const parsed = pnpmSchema.safeParse(safeYaml(pnpmFile));
    return { manager: 'pnpm', patterns: parsed.success ? (parsed.data.packages ?? []) : [] };
  }
  const parsed = rootSchema.safeParse(safeJson(readText(path.join(root, 'package.json'))));
  const workspaces = parsed.success ? parsed.data.workspaces : undefined;
  if (workspaces === undefined) return undefined;
  const manager = fs.existsSync(path.join(root, 'yarn.lock')) ? 'yarn' : 'npm';
  return { manager, patterns: Array.isArray(workspaces) ? workspaces : workspaces.packages };
}

function isPackageFolder(folder: string): boolean {
  const text = readText(path.join(folder, 'package.json'));
  const json = safeJson(text);
  return json !== null && typeof json === 'object' && !Array.isArray(json);
}

function readDependencies(folder: string): Array<[string, string]> {
  const parsed = dependencySchema.safeParse(safeJson(readText(path.join(folder, 'package.json'))));
  if (!parsed.success) return [];
  const { dependencies, devDependencies, peerDependencies, optionalDependencies } = parsed.data;
  return [dependencies, devDependencies, peerDependencies, optionalDependencies]
    .flatMap((record) => Object.entries(record ?? {}))
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string');
}

function readText(file: string): string | undefined {
  try {
    return fs.statSync(file).isFile() ? fs.readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

function safeJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function safeYaml(text: string): unknown {
  try {
    return parseYaml(text);
  } catch {
    return undefined;
  }
}
