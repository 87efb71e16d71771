import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RemoteUrlError } from '../github/github-remote-url.ts';

/** A plain git remote: the URL git fetches from, the folder it names, and a name for the repository. */
export interface GitRemoteLocation {
  url: string;
  folder: string;
  suggestedName: string;
}

/** True when the URL is for the plain git forge (`file://`); anything else is GitHub's to parse. */
export function isGitRemoteUrl(text: string): boolean {
  return /^file:/i.test(text.trim());
}

/**
 * Parses `file:///absolute/path/to/repo.git`: a bare repository on this machine, or on a volume
 * every worker mounts at the same path. Only with MENDER_ALLOW_FILE_REMOTES: a file URL names
 * any folder Mender's user can read. The folder is normalised (no `..`), and Mender's data folder
 * and what is inside it are refused: a clone of them would put its database and tokens in a worktree.
 */
export function parseGitRemoteUrl(text: string, options: { allowFile: boolean; dataDir: string }): GitRemoteLocation {
  if (!options.allowFile)
    throw new RemoteUrlError(
      'file:// remotes are off: set MENDER_ALLOW_FILE_REMOTES=true to register a bare git repository on this machine (every worker needs it at the same path), or give https://github.com/owner/name',
    );
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new RemoteUrlError(`"${text}" is not a URL: give file:///absolute/path/to/repository.git`);
  }
  if (url.host && url.host !== 'localhost')
    throw new RemoteUrlError(`a file:// remote names a folder on this machine (got host ${url.host}): give file:///absolute/path`);
  if (url.search || url.hash) throw new RemoteUrlError('the remote URL must not have a query or fragment: give file:///absolute/path/to/repository.git');
  const folder = path.resolve(fileURLToPath(`file://${url.pathname}`));
  const data = path.resolve(options.dataDir);
  if (folder === data || folder.startsWith(`${data}${path.sep}`) || data.startsWith(`${folder}${path.sep}`))
    throw new RemoteUrlError(`${folder} is, or holds, or is inside Mender's data folder (${data}): give a repository outside it`);
  const base = path.basename(folder).replace(/\.git$/, '');
  return { url: `file://${folder}`, folder, suggestedName: base };
}
