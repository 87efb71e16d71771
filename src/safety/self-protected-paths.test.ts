import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSelfProtectedPathMatcher, policyFileInCheckout } from './self-protected-paths.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const created = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-self-paths-')));
  folders.push(created);
  return created;
}

describe("Mender's self-protected paths", () => {
  const isProtected = createSelfProtectedPathMatcher(['config/gate-policy.yaml']);

  it.each([
    'src/supervisor/supervisor.ts',
    'src/supervisor/deep/new.ts',
    'test/x.test.ts',
    'test/e2e/self-protection.test.ts',
    'bin/mender',
    'scripts/build.ts',
    'package.json',
    'package-lock.json',
    'vitest.config.ts',
    'tsconfig.build.json',
    '.ci/pipeline.yml',
    'src/policy/default-policy.yaml',
    'src/tools/protected-path-guard.ts',
    'src/pipeline/self-protection.ts',
    'config/gate-policy.yaml',
    './src/supervisor/supervisor.ts',
    'src\\supervisor\\supervisor.ts',
    'src/../test/x.test.ts',
    'Config/Gate-Policy.YAML',
  ])('protect %s', (file) => {
    expect(isProtected(file)).toBeDefined();
  });

  it('leave the code and the tests beside it to the agent', () => {
    for (const file of ['src/app.ts', 'src/app.test.ts', 'src/pipeline/merge-step.ts', 'docs/policy.md', 'config/other.yaml', 'src/test/helper.ts'])
      expect(isProtected(file), file).toBeUndefined();
  });

  it('name the policy file as the policy file in force', () => {
    expect(isProtected('config/gate-policy.yaml')).toBe('config/gate-policy.yaml, the policy file in force');
  });
});

describe('policyFileInCheckout', () => {
  it('places a policy file inside the checkout, through links on either side', () => {
    const checkout = folder();
    fs.mkdirSync(path.join(checkout, 'config'));
    fs.writeFileSync(path.join(checkout, 'config/policy.yaml'), 'version: 1\n');
    const linkToCheckout = path.join(folder(), 'checkout-link');
    fs.symlinkSync(checkout, linkToCheckout);
    expect(policyFileInCheckout(path.join(checkout, 'config/policy.yaml'), checkout)).toBe('config/policy.yaml');
    expect(policyFileInCheckout(path.join(linkToCheckout, 'config/policy.yaml'), checkout)).toBe('config/policy.yaml');
    expect(policyFileInCheckout(path.join(checkout, 'config/policy.yaml'), linkToCheckout)).toBe('config/policy.yaml');
    // Not written yet: placed by its folder.
    expect(policyFileInCheckout(path.join(linkToCheckout, 'config/new.yaml'), checkout)).toBe('config/new.yaml');
  });

  it('leaves out a policy file elsewhere, or none', () => {
    const checkout = folder();
    expect(policyFileInCheckout(path.join(folder(), 'policy.yaml'), checkout)).toBeUndefined();
    expect(policyFileInCheckout(undefined, checkout)).toBeUndefined();
    expect(policyFileInCheckout(checkout, checkout)).toBeUndefined();
  });
});
