import { describe, expect, it } from 'vitest';
import { toRepositoryPath } from './repository-path.ts';

describe('toRepositoryPath', () => {
  it('makes absolute paths under the root relative', () => {
    expect(toRepositoryPath('/repo/src/a.test.ts', '/repo')).toBe('src/a.test.ts');
    expect(toRepositoryPath('/repo/src/a.test.ts', '/repo/')).toBe('src/a.test.ts');
  });

  it('accepts file URLs and Windows separators', () => {
    expect(toRepositoryPath('file:///repo/test/x.js', '/repo')).toBe('test/x.js');
    expect(toRepositoryPath('C:\\repo\\src\\a.ts', 'C:\\repo')).toBe('src/a.ts');
  });

  it('keeps relative paths relative and normalized', () => {
    expect(toRepositoryPath('./src/../src/a.ts', '/repo')).toBe('src/a.ts');
    expect(toRepositoryPath('src\\b.ts', '/repo')).toBe('src/b.ts');
  });

  it('keeps paths outside the root absolute and does not match a sibling folder by prefix', () => {
    expect(toRepositoryPath('/repository-other/a.ts', '/repo')).toBe('/repository-other/a.ts');
    expect(toRepositoryPath('/elsewhere/a.ts', '/repo')).toBe('/elsewhere/a.ts');
  });

  it('returns an empty string for an empty path', () => {
    expect(toRepositoryPath('  ', '/repo')).toBe('');
  });
});
