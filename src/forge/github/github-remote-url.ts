/** owner/name of a GitHub repository and the clean https URL it is fetched from. */
export interface GitHubRepositoryName {
  owner: string;
  name: string;
  remoteUrl: string;
}

/** The remote URL is wrong in a way the user can fix; the message says how. */
export class RemoteUrlError extends Error {
  readonly code = 'invalid_remote_url';
  override name = 'RemoteUrlError';
}

const segment = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * Parses `https://github.com/owner/name(.git)` (or a GitHub Enterprise host). Credentials in the
 * URL are refused: they would be stored on disk and shown in logs; the token belongs in settings.
 */
export function parseGitHubRemoteUrl(text: string): GitHubRepositoryName {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new RemoteUrlError(`"${text}" is not a URL: give the repository's https URL, e.g. https://github.com/owner/name`);
  }
  if (url.username || url.password) {
    throw new RemoteUrlError(
      'the remote URL must not contain credentials: give https://github.com/owner/name and set MENDER_GITHUB_TOKEN or a GitHub App instead',
    );
  }
  if (url.protocol !== 'https:')
    throw new RemoteUrlError(`the remote URL must use https (got ${url.protocol.replace(':', '')}): e.g. https://github.com/owner/name`);
  if (url.search || url.hash) throw new RemoteUrlError('the remote URL must not have a query or fragment: give https://github.com/owner/name');
  const parts = url.pathname.replace(/^\/+|\/+$/g, '').split('/');
  if (parts.length !== 2) throw new RemoteUrlError(`the remote URL must name one repository as /owner/name (got ${url.pathname})`);
  const owner = parts[0]!;
  const name = parts[1]!.replace(/\.git$/, '');
  if (!segment.test(owner) || !segment.test(name) || name === '.' || name === '..')
    throw new RemoteUrlError(`"${owner}/${name}" is not a valid GitHub owner/name`);
  return { owner, name, remoteUrl: `https://${url.host}/${owner}/${name}.git` };
}
