import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleScript } from '../fakes/scripted-model-server.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';
import { buggyCart, fixedCart, quantityTest } from '../support/target-repository.ts';
import { adminToken } from '../support/mender-under-test.ts';
import { githubToken, repositoryName, startGitHubPipeline, type GitHubPipeline } from '../support/github-pipeline.ts';
import { eventually } from '../support/eventually.ts';

const runFile = promisify(execFile);
const menderBin = path.resolve(import.meta.dirname, '../../bin/mender.mjs');

describe('a fix on a repository registered from GitHub', () => {
  let pipeline: GitHubPipeline;

  beforeAll(async () => {
    pipeline = await startGitHubPipeline(roleScript({ planner: plannerReplies, coder: coderReplies(), reviewer: reviewerReplies }), {
      alsoServe: ['acme/shop'],
    });
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it('clones the remote into the data folder without the token on disk', () => {
    const { clonePath, remote } = pipeline;
    expect(fs.existsSync(path.join(clonePath, 'src/cart.ts'))).toBe(true);
    const config = fs.readFileSync(path.join(clonePath, '.git/config'), 'utf8');
    expect(config).toContain(`url = ${remote.path}`);
    expect(config).not.toContain(githubToken);
    expect(config).not.toMatch(/extraheader/i);
  });

  it('pushes the verified branch, opens a draft pull request with plan and evidence, marks it ready, merges it on approval', async () => {
    const { mender, github, remote } = pipeline;
    // A teammate pushes after registration: planning must start from it, not from the stale clone.
    const teammateHead = remote.pushCommit({ 'docs/NOTES.md': 'notes\n' }, 'docs: notes');

    const created = await mender.call('POST', '/api/operations', {
      type: 'fix',
      description: 'total() ignores quantity: 3 items at 4 cost 4 instead of 12',
      repo: 'cart',
    });
    expect(created.status).toBe(201);
    const operation = await mender.waitForStatus(created.json.id, ['awaiting_approval', 'failed']);
    expect(operation.status).toBe('awaiting_approval');
    expect(operation.baseCommit).toBe(teammateHead);

    // The branch is on the remote at the verified head; main there is untouched.
    expect(remote.head(operation.branch)).toBe(operation.headCommit);
    expect(remote.head('main')).toBe(teammateHead);

    expect(github.pullRequests).toHaveLength(1);
    const pull = github.pullRequests[0]!;
    expect(pull).toMatchObject({ repository: repositoryName, head: operation.branch, base: 'main', state: 'open', draft: false });
    expect(pull.draftHistory).toEqual([true, false]);
    expect(pull.body).toContain('# Plan');
    expect(pull.body).toContain('Red: confirmed');
    expect(pull.body).toContain('test/quantity.test.ts › multiplies the price by the quantity');
    expect(pull.body).toContain('Green: passed');
    expect(pull.body).toContain('## Review');
    expect(pull.body).toContain('## Risk');
    expect(pull.body).toContain(operation.id);
    expect(operation.changeRequest).toMatchObject({ status: 'open', url: `https://github.com/${repositoryName}/pull/${pull.number}` });

    await eventually(
      () => github.commentsOn(repositoryName, pull.number),
      (comments) => comments.some((comment) => comment.body.includes('awaits approval')),
      'the awaiting-approval comment',
    );

    // GitHub fails the next comment once: the mirror tries again.
    github.failNext(/\/comments$/, 1);
    const approved = await mender.call('POST', `/api/operations/${operation.id}/approve`, { comment: 'ship it' });
    expect(approved.status).toBe(200);
    const done = await mender.waitForStatus(operation.id, ['done', 'failed']);
    expect(done.status).toBe('done');

    // Merged through the API: the remote's main has the squashed change on top of the teammate's commit.
    expect(pull).toMatchObject({ merged: true, state: 'closed' });
    expect(remote.head('main')).toBe(pull.mergeCommit);
    expect(done.mergeCommit).toBe(pull.mergeCommit);
    expect(remote.git('rev-parse', 'main^')).toBe(teammateHead);
    expect(remote.git('show', 'main:src/cart.ts')).toBe(fixedCart.trim());
    expect(remote.git('show', 'main:test/quantity.test.ts')).toBe(quantityTest.trim());
    expect(remote.git('log', '-1', '--format=%B', 'main')).toContain(`Mender-Operation: ${operation.id}`);
    // The branch is gone from the remote and the clone follows main.
    expect(remote.git('branch', '--list', 'mender/*')).toBe('');
    expect(fs.readFileSync(path.join(pipeline.clonePath, 'src/cart.ts'), 'utf8')).toBe(fixedCart);
    expect(done.timeline.map((event: { type: string }) => event.type)).toContain('change.merged');
    expect(done.timeline.find((event: { type: string }) => event.type === 'change.merged').data.method).toBe('squash');

    const comments = await eventually(
      () => github.commentsOn(repositoryName, pull.number).map((comment) => comment.body),
      (bodies) => bodies.some((body) => body.includes('Merged into')),
      'the merged comment',
    );
    expect(comments.some((body) => body.includes('Approved by admin: ship it'))).toBe(true);
    expect(comments.every((body) => body.includes('<!-- mender -->'))).toBe(true);

    // Every call carried the token; no log line did.
    const authorized = github.requests.filter((request) => request.path.startsWith('/repos/'));
    expect(authorized.length).toBeGreaterThan(3);
    expect(authorized.every((request) => request.authorization === `token ${githubToken}`)).toBe(true);
    expect(mender.logs.join('')).not.toContain(githubToken);
    // Nor did anything the agent saw.
    expect(JSON.stringify(pipeline.model.requests)).not.toContain(githubToken);
  });

  it('rebases onto a default branch that moved on GitHub, verifies again, updates the pull request and merges it', async () => {
    const { mender, github, remote } = pipeline;
    remote.pushCommit({ 'src/cart.ts': buggyCart, 'test/quantity.test.ts': null }, 'revert the quantity fix');
    const created = await mender.call('POST', '/api/operations', { type: 'fix', description: 'total() ignores quantity again', repo: 'cart' });
    const operation = await mender.waitForStatus(created.json.id, ['awaiting_approval', 'failed']);
    expect(operation.status).toBe('awaiting_approval');
    const pull = github.pullRequests.find((candidate) => candidate.head === operation.branch)!;
    // A teammate merges something else meanwhile.
    const moved = remote.pushCommit({ 'docs/CHANGELOG.md': 'changes\n' }, 'docs: changelog');

    await mender.call('POST', `/api/operations/${operation.id}/approve`, {});
    const done = await mender.waitForStatus(operation.id, ['done', 'failed']);
    expect(done.status).toBe('done');
    const types = done.timeline.map((event: { type: string }) => event.type);
    expect(types).toContain('merge.rebasing');
    expect(types).toContain('merge.reverified');
    expect(done.baseCommit).toBe(moved);
    expect(pull.merged).toBe(true);
    expect(remote.git('rev-parse', 'main^')).toBe(moved);
    expect(remote.git('show', 'main:src/cart.ts')).toBe(fixedCart.trim());
    expect(remote.git('show', 'main:docs/CHANGELOG.md')).toBe('changes');
    // GitHub merged exactly the rebased, re-verified head.
    const merge = github.requests.filter((request) => request.method === 'PUT' && request.path === `/repos/${repositoryName}/pulls/${pull.number}/merge`);
    expect(merge.map((request) => (request.body as { sha: string }).sha)).toEqual([done.headCommit]);
  });

  it('registers a GitHub repository from the CLI', async () => {
    const { mender } = pipeline;
    const result = await runFile(process.execPath, [menderBin, 'repo', 'add', '--remote', 'https://github.com/acme/shop', '--json'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, MENDER_URL: mender.url, MENDER_ADMIN_TOKEN: adminToken, MENDER_DATA_DIR: mender.dataDir },
      encoding: 'utf8',
    });
    expect(JSON.parse(result.stdout)).toMatchObject({
      name: 'shop',
      defaultBranch: 'main',
      path: path.join(mender.dataDir, 'repos', 'shop'),
      detectedCommands: { test: 'npm test' },
    });
    const neither = await runFile(process.execPath, [menderBin, 'repo', 'add'], {
      env: { PATH: process.env.PATH, MENDER_URL: mender.url, MENDER_ADMIN_TOKEN: adminToken },
    }).catch((error: { stderr: string; code: number }) => error);
    expect((neither as { stderr: string }).stderr).toContain('--remote https://github.com/owner/name');
  });

  it('refuses remote URLs with credentials, unknown repositories and bad URLs, registering nothing', async () => {
    const { mender } = pipeline;
    const withCredentials = await mender.call('POST', '/api/repos', { remoteUrl: `https://x-access-token:${githubToken}@github.com/acme/cart`, name: 'leaky' });
    expect(withCredentials.status).toBe(400);
    expect(withCredentials.json.error.message).toContain('must not contain credentials');
    expect(withCredentials.text).not.toContain(githubToken);
    const unknown = await mender.call('POST', '/api/repos', { remoteUrl: 'https://github.com/acme/nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toContain('acme/nope');
    const notHttps = await mender.call('POST', '/api/repos', { remoteUrl: 'git@github.com:acme/cart.git', name: 'ssh' });
    expect(notHttps.status).toBe(400);
    const both = await mender.call('POST', '/api/repos', { remoteUrl: 'https://github.com/acme/cart', path: '/tmp', name: 'both' });
    expect(both.status).toBe(400);
    const taken = await mender.call('POST', '/api/repos', { remoteUrl: 'https://github.com/acme/cart' });
    expect(taken.status).toBe(409);
    const twice = await mender.call('POST', '/api/repos', { remoteUrl: 'https://github.com/ACME/cart.git', name: 'cart-again' });
    expect(twice.status).toBe(409);
    expect(twice.json.error.message).toBe('acme/cart is already registered as "cart"');
    const listed = (await mender.call('GET', '/api/repos')).json.repos.map((repo: { name: string; remote: string | null }) => [repo.name, repo.remote]);
    expect(listed).toEqual([
      ['cart', 'github:acme/cart'],
      ['shop', 'github:acme/shop'],
    ]);
    expect(fs.readdirSync(path.join(mender.dataDir, 'repos')).sort()).toEqual(['cart', 'shop']);
  });
});
