import fs from 'node:fs';
import path from 'node:path';
import type { PackageManifest } from './expand-script-chain.ts';

/** The parts of a repository's package.json that npm uses to run its scripts, and its dependencies' names; empty when unreadable. */
export function readPackageManifest(root: string): PackageManifest {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    if (parsed === null || typeof parsed !== 'object') return { scripts: {} };
    const json = parsed as Record<string, unknown>;
    const scripts =
      json.scripts !== null && typeof json.scripts === 'object'
        ? Object.fromEntries(Object.entries(json.scripts).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
        : {};
    const dependencies = ['dependencies', 'devDependencies'].flatMap((key) => {
      const value = json[key];
      return value !== null && typeof value === 'object' ? Object.keys(value) : [];
    });
    return {
      scripts,
      dependencies,
      ...(typeof json.name === 'string' ? { name: json.name } : {}),
      ...(typeof json.version === 'string' ? { version: json.version } : {}),
    };
  } catch {
    return { scripts: {} };
  }
}
