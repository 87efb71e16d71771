/**
 * Git configuration given through the environment of one git process (GIT_CONFIG_COUNT, git ≥ 2.31):
 * an Authorization header for the remote's https origin only. Nothing is written to .git/config,
 * the URL stays clean, and the agent's commands (sandboxed, with their own environment) never see it.
 */
export function gitCredentialEnvironment(fetchUrl: string, token: string | undefined): Record<string, string> {
  if (!token || !/^https?:\/\//i.test(fetchUrl)) return {};
  const origin = new URL(fetchUrl).origin;
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: `http.${origin}/.extraheader`,
    GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
  };
}
