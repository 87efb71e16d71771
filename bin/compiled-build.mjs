// Whether dist/ (the server compiled by `npm run build:server`) matches src/: `mender` runs the
// compiled JavaScript when it does, and src/ through tsx otherwise. Compiled, a running Mender
// needs about 100 MB less memory (no loader thread, no transpiled sources and source maps held).
import fs from 'node:fs';
import path from 'node:path';

export const projectRoot = path.resolve(import.meta.dirname, '..');
export const sourceFolder = path.join(projectRoot, 'src');
export const compiledFolder = path.join(projectRoot, 'dist');
/** The stamp a build writes into its folder: the newest source time it was built from. */
export const stampName = '.build-stamp.json';

/** The newest modification time under a folder (files and folders, so deletions count too). */
export function newestModification(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestModification(path.join(entry, child)));
  return newest;
}

/** Why a build (dist/ unless told) cannot be used (missing, or src/ changed after it was built), or undefined when it can. */
export function compiledBuildStaleness(folder = compiledFolder) {
  const name = `${path.relative(projectRoot, folder)}/`;
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(folder, stampName), 'utf8'));
  } catch {
    return `${name} is missing`;
  }
  if (typeof stamp.newestSource !== 'number') return `${name} has no build stamp`;
  return newestModification(sourceFolder) > stamp.newestSource ? `src/ changed since ${name} was built` : undefined;
}
