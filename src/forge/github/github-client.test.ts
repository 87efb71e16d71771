import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../../test/fakes/fake-github-api.ts';
import { createRedactor } from '../../safety/redaction.ts';
import { createGitHubClient, GitHubNotConfiguredError } from './github-client.ts';

const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

describe('the GitHub client', () => {
  let github: FakeGitHub;
  beforeAll(async () => {
    github = await startFakeGitHub({
      repositories: { 'acme/cart': { bare: '/nonexistent', defaultBranch: 'main' } },
      tokens: ['ghp_personalToken0123456789abcdef'],
      app: { id: 4242, slug: 'mender-test', installationId: 77, publicKey },
    });
  });
  afterAll(async () => {
    await github?.close();
  });

  it('as a GitHub App, signs a JWT, gets an installation token once and reuses it until it expires', async () => {
    const client = createGitHubClient({
      githubAppId: 4242,
      githubPrivateKey: privateKeyPem,
      githubInstallationId: 77,
      githubApiUrl: github.url,
      githubToken: undefined,
    })!;
    expect(client.kind).toBe('app');
    const first = await client.token();
    const second = await client.token();
    await client.octokit.rest.repos.get({ owner: 'acme', repo: 'cart' });
    await client.octokit.rest.repos.get({ owner: 'acme', repo: 'cart' });
    expect(first).toMatch(/^ghs_/);
    expect(second).toBe(first);
    expect(github.requests.filter((request) => request.path === '/app/installations/77/access_tokens')).toHaveLength(1);
    const repoCalls = github.requests.filter((request) => request.path === '/repos/acme/cart');
    expect(repoCalls.map((request) => request.authorization)).toEqual([`token ${first}`, `token ${first}`]);
    expect(await client.login()).toBe('mender-test[bot]');
    // Installation tokens are not settings, yet the redactor still knows them by their form.
    expect(createRedactor([]).redact(`push with ${first} failed`)).toBe('push with [REDACTED] failed');
  });

  it('is refused by GitHub when the JWT is signed with another key', async () => {
    const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const client = createGitHubClient({
      githubAppId: 4242,
      githubPrivateKey: other,
      githubInstallationId: 77,
      githubApiUrl: github.url,
      githubToken: undefined,
    })!;
    await expect(client.token()).rejects.toMatchObject({ status: 401 });
  });

  it('with a token, sends it on every call', async () => {
    const client = createGitHubClient({
      githubToken: 'ghp_personalToken0123456789abcdef',
      githubApiUrl: github.url,
      githubAppId: undefined,
      githubPrivateKey: undefined,
      githubInstallationId: undefined,
    })!;
    expect(client.kind).toBe('token');
    expect(await client.token()).toBe('ghp_personalToken0123456789abcdef');
    expect(await client.login()).toBe('mender-bot');
  });

  it('is absent without settings, and names what is missing for half an App', () => {
    expect(
      createGitHubClient({
        githubApiUrl: github.url,
        githubToken: undefined,
        githubAppId: undefined,
        githubPrivateKey: undefined,
        githubInstallationId: undefined,
      }),
    ).toBeUndefined();
    expect(() =>
      createGitHubClient({ githubApiUrl: github.url, githubAppId: 4242, githubToken: undefined, githubPrivateKey: undefined, githubInstallationId: undefined }),
    ).toThrow(GitHubNotConfiguredError);
  });
});
