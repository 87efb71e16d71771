import { Octokit } from '@octokit/rest';
import { createAppAuth } from '@octokit/auth-app';
import { ConfigError } from '../../config/config-error.ts';
import type { Settings } from '../../config/settings-schema.ts';
import type { Logger } from '../../logging/logger.ts';

export type GitHubSettings = Pick<Settings, 'githubAppId' | 'githubPrivateKey' | 'githubInstallationId' | 'githubToken' | 'githubApiUrl'>;

/** Octokit for the configured identity, and the token git uses for fetch and push. */
export interface GitHubClient {
  octokit: Octokit;
  kind: 'app' | 'token';
  /** A token for git over HTTPS: the installation token (cached by auth-app until shortly before it expires) or the configured one. */
  token(): Promise<string>;
  /** The login Mender's own comments are written by (`<app-slug>[bot]` for an App), to ignore them. */
  login(): Promise<string | undefined>;
}

/** Only part of a GitHub App is configured: a settings error (so `mender start` says what to set). */
export class GitHubNotConfiguredError extends ConfigError {
  override name = 'GitHubNotConfiguredError';
}

/**
 * The client for the configured identity: a GitHub App (app id, private key, installation id)
 * when given, else a token. Undefined when neither is configured.
 */
export function createGitHubClient(settings: GitHubSettings, log?: Logger): GitHubClient | undefined {
  const appParts = [settings.githubAppId, settings.githubPrivateKey, settings.githubInstallationId];
  // Failed requests are reported by their callers, with what Mender was doing; Octokit's own lines are for debugging.
  const octokitLog = log
    ? { debug: () => {}, info: () => {}, warn: (message: string) => log.warn(message), error: (message: string) => log.debug(message) }
    : undefined;
  if (appParts.some((part) => part !== undefined)) {
    if (appParts.some((part) => part === undefined)) {
      throw new GitHubNotConfiguredError(
        'a GitHub App needs MENDER_GITHUB_APP_ID, MENDER_GITHUB_PRIVATE_KEY and MENDER_GITHUB_INSTALLATION_ID together; set the missing ones (or unset all three and use MENDER_GITHUB_TOKEN)',
      );
    }
    const octokit = new Octokit({
      baseUrl: settings.githubApiUrl,
      authStrategy: createAppAuth,
      auth: { appId: settings.githubAppId!, privateKey: settings.githubPrivateKey!, installationId: settings.githubInstallationId! },
      log: octokitLog,
    });
    let login: Promise<string | undefined> | undefined;
    return {
      octokit,
      kind: 'app',
      token: async () => ((await octokit.auth({ type: 'installation' })) as { token: string }).token,
      login: () =>
        (login ??= (async () => {
          // GET /app needs the app's JWT, not the installation token.
          const jwt = ((await octokit.auth({ type: 'app' })) as { token: string }).token;
          const app = await octokit.request('GET /app', { headers: { authorization: `bearer ${jwt}` } });
          return app.data?.slug ? `${app.data.slug}[bot]` : undefined;
        })().catch(() => undefined)),
    };
  }
  if (settings.githubToken) {
    const token = settings.githubToken;
    const octokit = new Octokit({ baseUrl: settings.githubApiUrl, auth: token, log: octokitLog });
    let login: Promise<string | undefined> | undefined;
    return {
      octokit,
      kind: 'token',
      token: async () => token,
      login: () =>
        (login ??= octokit.rest.users.getAuthenticated().then(
          (response) => response.data.login,
          () => undefined,
        )),
    };
  }
  return undefined;
}
