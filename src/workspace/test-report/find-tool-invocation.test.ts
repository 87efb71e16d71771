import { describe, expect, it } from 'vitest';
import { commandName, findToolInvocation } from './find-tool-invocation.ts';

const identifyJest = (words: string[]) => (words.some((word) => commandName(word) === 'jest') ? 'jest' : undefined);

describe('findToolInvocation', () => {
  it('finds a direct invocation and where its arguments go', () => {
    const command = 'CI=1 npx jest --ci && echo done';
    expect(findToolInvocation(command, {}, identifyJest)).toEqual({
      tool: 'jest',
      insertAt: 'CI=1 npx jest --ci'.length,
      separators: [],
      argumentsReachTool: true,
      toolTokens: ['npx', 'jest', '--ci'],
    });
  });

  it('follows npm scripts, with one -- per npm hop unless the command already has one', () => {
    const scripts = { test: 'npm run unit', unit: 'jest --coverage' };
    expect(findToolInvocation('npm test', scripts, identifyJest)).toMatchObject({
      separators: ['--', '--'],
      argumentsReachTool: true,
      toolTokens: ['jest', '--coverage'],
    });
    expect(findToolInvocation('npm run unit -- src/a.test.js', scripts, identifyJest)?.separators).toEqual([]);
    expect(findToolInvocation('npm run --silent unit', scripts, identifyJest)?.separators).toEqual(['--']);
  });

  it('follows pnpm and yarn scripts without separators', () => {
    const scripts = { test: 'jest', check: 'yarn test' };
    expect(findToolInvocation('pnpm test', scripts, identifyJest)?.separators).toEqual([]);
    expect(findToolInvocation('pnpm check', scripts, identifyJest)?.separators).toEqual([]);
    expect(findToolInvocation('yarn run check', scripts, identifyJest)?.tool).toBe('jest');
  });

  it('says when appended arguments would reach another program', () => {
    const scripts = { test: 'jest && node scripts/after.js', solo: 'tsc -b; jest' };
    expect(findToolInvocation('npm test', scripts, identifyJest)?.argumentsReachTool).toBe(false);
    expect(findToolInvocation('npm run solo', scripts, identifyJest)?.argumentsReachTool).toBe(true);
  });

  it('gives up on missing scripts, other programs and script cycles', () => {
    expect(findToolInvocation('npm test', {}, identifyJest)).toBeUndefined();
    expect(findToolInvocation('make test', { test: 'jest' }, identifyJest)).toBeUndefined();
    expect(findToolInvocation('npm test', { test: 'npm run a', a: 'npm test' }, identifyJest)).toBeUndefined();
  });
});

describe('commandName', () => {
  it('strips folders, versions and Windows extensions', () => {
    expect(commandName('./node_modules/.bin/vitest')).toBe('vitest');
    expect(commandName('jest@29.7.0')).toBe('jest');
    expect(commandName('node_modules\\.bin\\eslint.cmd')).toBe('eslint');
    expect(commandName('@scope/tool')).toBe('tool');
  });
});
