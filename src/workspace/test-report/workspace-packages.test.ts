import { afterEach, describe, expect, it } from 'vitest';
import { createSampleProject, type SampleProject } from './sample-projects.ts';
import { readWorkspaceLayout } from './workspace-packages.ts';

const projects: SampleProject[] = [];
afterEach(async () => {
  for (const project of projects.splice(0)) await project.remove();
});

async function layoutOf(files: Record<string, string>) {
  const project = await createSampleProject(files);
  projects.push(project);
  return readWorkspaceLayout(project.root);
}

const manifest = (value: object): string => JSON.stringify(value);

describe('readWorkspaceLayout', () => {
  it('reads npm workspaces given as an array, with scripts and workspace dependencies', async () => {
    const layout = await layoutOf({
      'package.json': manifest({ name: 'root', workspaces: ['packages/*'] }),
      'packages/core/package.json': manifest({ name: '@x/core', version: '1.0.0', scripts: { test: 'mocha' } }),
      'packages/app/package.json': manifest({ name: '@x/app', dependencies: { '@x/core': '^1.0.0', lodash: '^4' } }),
      'packages/tools/package.json': manifest({ name: '@x/tools', devDependencies: { '@x/app': '*' }, peerDependencies: { '@x/core': '*' } }),
    });
    expect(layout?.packages.map((item) => [item.directory, item.name, item.dependsOn])).toEqual([
      ['packages/app', '@x/app', ['packages/core']],
      ['packages/core', '@x/core', []],
      ['packages/tools', '@x/tools', ['packages/app', 'packages/core']],
    ]);
    expect(layout?.packages[1]?.manifest).toEqual({ name: '@x/core', version: '1.0.0', scripts: { test: 'mocha' }, dependencies: [] });
  });

  it("reads yarn's `{ packages: [...] }` form", async () => {
    const layout = await layoutOf({
      'package.json': manifest({ private: true, workspaces: { packages: ['libs/one', 'libs/two'], nohoist: ['**/x'] } }),
      'libs/one/package.json': manifest({ name: 'one' }),
      'libs/two/package.json': manifest({ name: 'two', dependencies: { one: 'workspace:*' } }),
    });
    expect(layout?.packages.map((item) => [item.directory, item.dependsOn])).toEqual([
      ['libs/one', []],
      ['libs/two', ['libs/one']],
    ]);
  });

  it('reads pnpm-workspace.yaml, with `**` globs, exclusions and the workspace: protocol', async () => {
    const layout = await layoutOf({
      'package.json': manifest({ name: 'root' }),
      'pnpm-workspace.yaml': "packages:\n  # apps at any depth\n  - 'apps/**'\n  - \"packages/*\"\n  - '!packages/legacy'\ncatalog:\n  react: ^18\n",
      'apps/web/package.json': manifest({ name: 'web', dependencies: { ui: 'workspace:^' } }),
      'apps/mobile/ios/package.json': manifest({ name: 'ios' }),
      'packages/ui/package.json': manifest({ name: 'ui' }),
      'packages/legacy/package.json': manifest({ name: 'legacy' }),
    });
    expect(layout?.manager).toBe('pnpm');
    expect(layout?.packages.map((item) => item.directory)).toEqual(['apps/mobile/ios', 'apps/web', 'packages/ui']);
    expect(layout?.packages.find((item) => item.name === 'web')?.dependsOn).toEqual(['packages/ui']);
  });

  it('ignores matches that are not a folder with a readable package.json, and node_modules', async () => {
    const layout = await layoutOf({
      'package.json': manifest({ workspaces: ['packages/*', 'tools/**'] }),
      'packages/real/package.json': manifest({ name: 'real' }),
      'packages/README.md': '# not a package\n',
      'packages/no-manifest/index.js': 'export {};\n',
      'packages/broken/package.json': '{ not json',
      'tools/node_modules/dependency/package.json': manifest({ name: 'dependency' }),
    });
    expect(layout?.packages.map((item) => item.directory)).toEqual(['packages/real']);
  });

  it('is undefined for a repository without workspaces', async () => {
    expect(await layoutOf({ 'package.json': manifest({ name: 'single', scripts: { test: 'vitest' } }) })).toBeUndefined();
  });
});
