import { describe, expect, it } from 'vitest';
import { isGitRemoteUrl, parseGitRemoteUrl } from './git-remote-url.ts';

const allowed = { allowFile: true, dataDir: '/srv/mender-data' };

describe('parseGitRemoteUrl', () => {
  it('reads a bare repository folder from a file URL, normalised, with a name from its folder', () => {
    expect(parseGitRemoteUrl('file:///srv/git/cart.git', allowed)).toEqual({
      url: 'file:///srv/git/cart.git',
      folder: '/srv/git/cart.git',
      suggestedName: 'cart',
    });
    expect(parseGitRemoteUrl('file:///srv/git/team/../shop', allowed)).toMatchObject({ folder: '/srv/git/shop', suggestedName: 'shop' });
  });

  it('is refused unless the settings allow file remotes, saying which setting', () => {
    expect(() => parseGitRemoteUrl('file:///srv/git/cart.git', { ...allowed, allowFile: false })).toThrow(/set MENDER_ALLOW_FILE_REMOTES=true/);
  });

  it.each([
    ['file://build-host/srv/git/cart.git', 'names a folder on this machine'],
    ['file:///srv/git/cart.git?upload=x', 'must not have a query or fragment'],
    ['file:///srv/mender-data/repos/cart', "inside Mender's data folder"],
    ['file:///srv/mender-data/x/../../mender-data', "inside Mender's data folder"],
    ['file:///srv', "inside Mender's data folder"],
  ])('refuses %s', (url, message) => {
    expect(() => parseGitRemoteUrl(url, allowed)).toThrow(message);
  });

  it('tells file URLs (the plain git forge) from the rest (GitHub)', () => {
    expect(isGitRemoteUrl(' file:///srv/git/cart.git')).toBe(true);
    expect(isGitRemoteUrl('https://github.com/acme/cart')).toBe(false);
  });
});
