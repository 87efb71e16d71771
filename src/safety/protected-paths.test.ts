import { describe, expect, it } from 'vitest';
import { createProtectedPathMatcher } from './protected-paths.ts';

describe('the default protected paths', () => {
  const isProtected = createProtectedPathMatcher();

  it.each([
    'package.json',
    'packages/a/package.json',
    'package-lock.json',
    'npm-shrinkwrap.json',
    'pnpm-lock.yaml',
    'yarn.lock',
    'requirements.txt',
    'poetry.lock',
    'go.mod',
    'Cargo.lock',
    'Gemfile.lock',
    'vercel.json',
    'railway.toml',
    'fly.toml',
    'Procfile',
    'netlify.toml',
    'render.yaml',
    '.env',
    '.env.production',
  ])('protect %s', (file) => {
    expect(isProtected(file)).toBeDefined();
  });

  it('leave ordinary source alone', () => {
    expect(isProtected('src/index.ts')).toBeUndefined();
    expect(isProtected('test/cart.test.ts')).toBeUndefined();
  });
});
