import { describe, expect, it } from 'vitest';
import { parseGitHubRemoteUrl } from './github-remote-url.ts';
import { gitCredentialEnvironment } from './git-credentials.ts';

describe('parseGitHubRemoteUrl', () => {
  it('reads owner and name from https URLs, with or without .git', () => {
    expect(parseGitHubRemoteUrl('https://github.com/acme/cart')).toEqual({ owner: 'acme', name: 'cart', remoteUrl: 'https://github.com/acme/cart.git' });
    expect(parseGitHubRemoteUrl('https://github.com/acme/cart.git/')).toEqual({ owner: 'acme', name: 'cart', remoteUrl: 'https://github.com/acme/cart.git' });
    expect(parseGitHubRemoteUrl('https://ghe.example.com/team/app')).toMatchObject({
      owner: 'team',
      name: 'app',
      remoteUrl: 'https://ghe.example.com/team/app.git',
    });
  });

  it.each([
    ['https://token@github.com/acme/cart', 'must not contain credentials'],
    ['https://x:ghp_secret@github.com/acme/cart', 'must not contain credentials'],
    ['http://github.com/acme/cart', 'must use https'],
    ['git@github.com:acme/cart.git', 'is not a URL'],
    ['https://github.com/acme', 'as /owner/name'],
    ['https://github.com/acme/cart/pulls', 'as /owner/name'],
    ['https://github.com/acme/cart?x=1', 'query'],
    ['https://github.com/ac me/cart', 'not a valid'],
  ])('refuses %s', (url, message) => {
    expect(() => parseGitHubRemoteUrl(url)).toThrow(message);
  });
});

describe('gitCredentialEnvironment', () => {
  it("sends the token as a header for the remote's origin only, through the environment", () => {
    const environment = gitCredentialEnvironment('https://github.com/acme/cart.git', 'ghs_token123');
    expect(environment).toEqual({
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.https://github.com/.extraheader',
      GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${Buffer.from('x-access-token:ghs_token123').toString('base64')}`,
    });
  });

  it('adds nothing for local remotes or without a token', () => {
    expect(gitCredentialEnvironment('/srv/git/cart.git', 'ghs_token123')).toEqual({});
    expect(gitCredentialEnvironment('file:///srv/git/cart.git', 'ghs_token123')).toEqual({});
    expect(gitCredentialEnvironment('https://github.com/acme/cart.git', undefined)).toEqual({});
  });
});
