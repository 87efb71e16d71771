import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../fakes/fake-github-api.ts';
import { startScriptedModelServer, type ScriptedModelServer, type ScriptedReply, type ScriptHandler } from '../fakes/scripted-model-server.ts';
import { startMenderUnderTest, type MenderUnderTest } from './mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from './target-repository.ts';

export const githubToken = 'ghp_testTokenForTheFakeGitHub0123456789';
export const webhookSecret = 'webhook-secret-for-tests-0123456789';
export const repositoryName = 'acme/cart';

/** The cart repository as a bare "GitHub" remote, with helpers to push to it as a teammate would. */
export interface BareRemote {
  path: string;
  git(...args: string[]): string;
  head(branch?: string): string;
  /** Commits files (null: delete) on the default branch through a scratch clone, like a teammate's push. */
  pushCommit(files: Record<string, string | null>, message: string): string;
  cleanup(): void;
}

export function createBareRemote(target: TargetRepository): BareRemote {
  const folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-github-remote-')));
  const bare = path.join(folder, 'cart.git');
  execFileSync('git', ['clone', '--quiet', '--bare', target.path, bare]);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=teammate@example.com', '-c', 'user.name=teammate', ...args], { cwd: bare, encoding: 'utf8' }).trim();
  return {
    path: bare,
    git,
    head: (branch = 'main') => git('rev-parse', `refs/heads/${branch}`),
    pushCommit(files, message) {
      const scratch = path.join(folder, `scratch-${Date.now()}`);
      execFileSync('git', ['clone', '--quiet', bare, scratch]);
      for (const [file, content] of Object.entries(files)) {
        if (content === null) {
          fs.rmSync(path.join(scratch, file), { force: true });
          continue;
        }
        fs.mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
        fs.writeFileSync(path.join(scratch, file), content);
      }
      const run = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.email=teammate@example.com', '-c', 'user.name=teammate', ...args], { cwd: scratch, encoding: 'utf8' }).trim();
      run('add', '-A');
      run('commit', '-q', '-m', message);
      run('push', '-q', 'origin', 'HEAD:main');
      const pushed = run('rev-parse', 'HEAD');
      fs.rmSync(scratch, { recursive: true, force: true });
      return pushed;
    },
    cleanup: () => fs.rmSync(folder, { recursive: true, force: true }),
  };
}

export interface GitHubPipeline {
  model: ScriptedModelServer;
  github: FakeGitHub;
  mender: MenderUnderTest;
  target: TargetRepository;
  remote: BareRemote;
  /** Mender's clone of the repository. */
  clonePath: string;
  close(): Promise<void>;
}

/**
 * The fake GitHub serving acme/cart from a bare repository, a scripted model, and a Mender that
 * registered https://github.com/acme/cart (cloned from the bare repository via the remote map).
 */
export async function startGitHubPipeline(
  script: ScriptHandler | ScriptedReply[],
  options: { env?: Record<string, string>; github?: Partial<FakeGitHubOptions>; register?: boolean; alsoServe?: string[] } = {},
): Promise<GitHubPipeline> {
  const target = createTargetRepository();
  const remote = createBareRemote(target);
  // More repositories with the same content, e.g. acme/shop, for tests that register several.
  const others = (options.alsoServe ?? []).map((name) => [name, createBareRemote(target)] as const);
  const served = Object.fromEntries([[repositoryName, remote] as const, ...others].map(([name, bare]) => [name, { bare: bare.path, defaultBranch: 'main' }]));
  const github = await startFakeGitHub({ repositories: served, tokens: [githubToken], tokenLogin: 'mender-bot', ...options.github });
  const model = await startScriptedModelServer(script);
  const mender = await startMenderUnderTest({
    MENDER_MODEL: 'openai-compatible:scripted-model',
    MENDER_MODEL_BASE_URL: model.url,
    MENDER_GITHUB_TOKEN: githubToken,
    MENDER_GITHUB_API_URL: github.url,
    MENDER_GITHUB_WEBHOOK_SECRET: webhookSecret,
    MENDER_GITHUB_REMOTE_MAP: JSON.stringify(Object.fromEntries(Object.entries(served).map(([name, served]) => [name, served.bare]))),
    ...options.env,
  });
  const clonePath = path.join(mender.dataDir, 'repos', 'cart');
  const close = async () => {
    await mender.close();
    await model.close();
    await github.close();
    remote.cleanup();
    for (const [, other] of others) other.cleanup();
    target.cleanup();
  };
  if (options.register !== false) {
    const registered = await mender.call('POST', '/api/repos', { remoteUrl: `https://github.com/${repositoryName}`, name: 'cart' });
    if (registered.status !== 201) {
      await close();
      throw new Error(`registering acme/cart answered ${registered.status}: ${registered.text}`);
    }
    // Dependencies installed in the clone, as an operator would (Mender does not run npm install).
    fs.symlinkSync(fs.realpathSync(path.join(target.path, 'node_modules')), path.join(clonePath, 'node_modules'), 'dir');
  }
  return { model, github, mender, target, remote, clonePath, close };
}
