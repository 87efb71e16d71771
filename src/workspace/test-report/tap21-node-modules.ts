// Test support only: a node_modules for a tap 21 sample project that resolves React the way a
// tap 21 project's own install does.
//
// Why: tap 21's runner imports @tapjs/reporter, which imports ink, even for `--reporter=tap`.
// ink (hoisted in Mender's install) then resolves `react` to Mender's root React 19 (the
// dashboard's), and its react-reconciler 0.29 crashes at load (`ReactCurrentOwner` of undefined).
// A project that installs tap 21 gets React 18 hoisted next to ink (checked with a fresh
// `npm install tap@21.8.0`), so this is a quirk of Mender's own test setup, not of users.
// Node resolves a module's imports from its real path, so the packages on the path from tap's
// bin to React are copied into the project; everything else is linked.
import { cp, mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import path from 'node:path';
import { REPOSITORY_NODE_MODULES } from './sample-projects.ts';

/** tap's bin → @tapjs/run → @tapjs/reporter → ink → react: each must see the project's React. */
const COPIED_PACKAGES = ['tap', '@tapjs/run', '@tapjs/reporter', 'ink'];

/** Builds `<projectRoot>/node_modules` from Mender's, with React 18 for tap 21's reporter. */
export async function linkNodeModulesForTap21(projectRoot: string): Promise<void> {
  const target = path.join(projectRoot, 'node_modules');
  await linkFolder(REPOSITORY_NODE_MODULES, target, '');
  for (const name of COPIED_PACKAGES) {
    await cp(path.join(REPOSITORY_NODE_MODULES, name), path.join(target, name), { recursive: true, verbatimSymlinks: true });
  }
  // The copied reporter's own React 18 becomes the project's, so ink and the reporter share one React.
  await symlink(path.join('@tapjs', 'reporter', 'node_modules', 'react'), path.join(target, 'react'), 'dir');
}

async function linkFolder(source: string, target: string, prefix: string): Promise<void> {
  await mkdir(target, { recursive: true });
  for (const entry of await readdir(source, { withFileTypes: true })) {
    const name = `${prefix}${entry.name}`;
    const from = path.join(source, entry.name);
    const to = path.join(target, entry.name);
    if (COPIED_PACKAGES.includes(name) || name === 'react') continue;
    if (name === '.bin') {
      // Bins are relative links (`../tap/dist/esm/run.mjs`): recreated here, they reach the copies.
      await mkdir(to);
      for (const bin of await readdir(from)) await symlink(await readlink(path.join(from, bin)), path.join(to, bin));
    } else if (name === '@tapjs') {
      await linkFolder(from, to, `${name}/`);
    } else {
      await symlink(from, to, 'dir');
    }
  }
}
