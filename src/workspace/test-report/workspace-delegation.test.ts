import { describe, expect, it } from 'vitest';
import { readWorkspaceDelegation } from './workspace-delegation.ts';

const every = { include: [], exclude: [], extraArguments: [] };
const read = (command: string) => readWorkspaceDelegation(command.split(' '));

describe('readWorkspaceDelegation', () => {
  it.each([
    ['npm test --workspaces', { ...every, script: 'test', manager: 'npm' }],
    ['npm run test -ws -- --grep x', { ...every, script: 'test', manager: 'npm', extraArguments: ['--grep', 'x'] }],
    ['npm run lint --workspace=@x/a -w packages/b', { ...every, script: 'lint', manager: 'npm', include: ['@x/a', 'packages/b'] }],
    ['npm test --workspace @x/a --if-present', { ...every, script: 'test', manager: 'npm', include: ['@x/a'] }],
    ['pnpm -r test', { ...every, script: 'test', manager: 'pnpm' }],
    ['pnpm --recursive run test --reporter=dot', { ...every, script: 'test', manager: 'pnpm', extraArguments: ['--reporter=dot'] }],
    ['pnpm --filter @x/app test', { ...every, script: 'test', manager: 'pnpm', include: ['@x/app'] }],
    ['pnpm -F ./packages/a --filter=!@x/b run build', { ...every, script: 'build', manager: 'pnpm', include: ['./packages/a'], exclude: ['@x/b'] }],
    ['yarn workspaces run test', { ...every, script: 'test', manager: 'yarn' }],
    [
      'yarn workspaces foreach -A --exclude docs -j 2 run test --bail',
      { ...every, script: 'test', manager: 'yarn', exclude: ['docs'], extraArguments: ['--bail'] },
    ],
    ['yarn workspace @x/a test', { ...every, script: 'test', manager: 'yarn', include: ['@x/a'] }],
    ['yarn workspace @x/a run lint', { ...every, script: 'lint', manager: 'yarn', include: ['@x/a'] }],
    [
      'lerna run test --scope @x/* --ignore @x/docs --stream -- --grep x',
      { script: 'test', manager: 'npm', include: ['@x/*'], exclude: ['@x/docs'], extraArguments: ['--grep', 'x'] },
    ],
    ['npx lerna run test', { ...every, script: 'test', manager: 'npm' }],
  ])('%s', (command, expected) => {
    expect(read(command)).toEqual(expected);
  });

  it.each([
    ['turbo run test', 'turbo'],
    ['turbo test --filter=web', 'turbo'],
    ['nx run-many -t test', 'nx'],
    ['npm test --workspaces --include-workspace-root', '--include-workspace-root'],
    ['pnpm --filter ...@x/core test', '...@x/core'],
    ['pnpm --filter [origin/main] test', '[origin/main]'],
  ])('%s is refused, naming %s', (command, named) => {
    const result = read(command);
    expect(result).toHaveProperty('refused');
    expect((result as { refused: string }).refused).toContain(named);
  });

  it.each([
    'npm test',
    'npm run lint',
    'pnpm test',
    'yarn test',
    'npm install --workspaces',
    'pnpm -r exec tsc',
    'vitest run',
    'yarn workspace @x/a add lodash',
  ])('%s runs no workspace script', (command) => {
    expect(read(command)).toBeUndefined();
  });
});
