import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleScript, startScriptedModelServer, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { callMender } from '../support/mender-http.ts';
import { runMenderCli } from '../support/mender-cli.ts';
import { startMenderProcess, type MenderProcess } from '../support/mender-process.ts';
import { postgresAvailable, startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';

const token = 'remote-worktrees-admin-token-0123456789';

/** The messages (and their fields) a process logged as JSON lines. */
function logLines(process: MenderProcess, message: string): Record<string, unknown>[] {
  return process
    .output()
    .split('\n')
    .flatMap((line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        return entry.message === message ? [entry] : [];
      } catch {
        return [];
      }
    });
}

// Web and workers on DIFFERENT data folders, as containers with their own volumes are: nothing on
// disk is shared but the remote (a bare repository by file:// URL) and the PostgreSQL database.
describe.skipIf(!postgresAvailable())('workers on their own disks work from the remote', () => {
  let server: PostgresServer | undefined;
  let model: ScriptedModelServer;
  let web: MenderProcess;
  let worker: MenderProcess;
  let merger: MenderProcess;
  let target: TargetRepository;
  let local: TargetRepository;
  const scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-remote-wt-')));
  const folders = { web: path.join(scratch, 'web-data'), worker: path.join(scratch, 'worker-data'), merger: path.join(scratch, 'merger-data') };
  const bare = path.join(scratch, 'cart.git');
  const remoteGit = (...args: string[]) => execFileSync('git', args, { cwd: bare, encoding: 'utf8' }).trim();
  const api = (method: string, route: string, body?: unknown) => callMender(web.url, token, method, route, body);
  const everyOutput = () => [web, worker, merger].map((process) => process?.output().slice(-2500)).join('\n---\n');

  async function waitFor<Value>(what: string, probe: () => Promise<Value | undefined>, timeoutMs = 90_000): Promise<Value> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}\n${everyOutput()}`);
  }

  const reaches = (id: string, status: string) =>
    waitFor(`operation ${id} to reach ${status}`, async () => {
      const operation = (await api('GET', `/api/operations/${id}`)).json;
      if (operation.status === 'failed' && status !== 'failed') throw new Error(`operation ${id} failed: ${operation.failureReason}\n${everyOutput()}`);
      return operation.status === status ? operation : undefined;
    });

  beforeAll(async () => {
    server = await startPostgresServer();
    model = await startScriptedModelServer(roleScript({ planner: plannerReplies, coder: coderReplies(), reviewer: reviewerReplies }));
    target = createTargetRepository();
    // A worker's clone gets no `npm install` (Mender runs none): the remote carries a link to the
    // installed packages, as a repository with committed or vendored dependencies would.
    target.git('add', '--force', 'node_modules');
    target.git('commit', '-q', '-m', 'link the installed packages');
    execFileSync('git', ['clone', '--quiet', '--bare', target.path, bare]);
    local = createTargetRepository();
    const env = (dataDir: string) => ({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: server!.url,
      MENDER_DATA_DIR: dataDir,
      MENDER_ADMIN_TOKEN: token,
      MENDER_TWO_PERSON_RULE: 'false',
      MENDER_ALLOW_FILE_REMOTES: 'true',
      MENDER_MODEL: 'openai-compatible:scripted-model',
      MENDER_MODEL_BASE_URL: model.url,
      MENDER_MODEL_RETRIES: '0',
    });
    web = await startMenderProcess({ env: env(folders.web), args: ['--role', 'web'], tries: 600 });
    // One worker plans and executes, another merges: the merge is a job that moved to another disk.
    [worker, merger] = await Promise.all([
      startMenderProcess({ env: { ...env(folders.worker), MENDER_WORKER_QUEUES: 'planning,execution' }, args: ['--role', 'worker'], tries: 600 }),
      startMenderProcess({ env: { ...env(folders.merger), MENDER_WORKER_QUEUES: 'merging' }, args: ['--role', 'worker'], tries: 600 }),
    ]);
  }, 120_000);

  afterAll(async () => {
    for (const child of [web, worker, merger].filter(Boolean).map((process) => process.child))
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    await model?.close();
    await server?.stop();
    target?.cleanup();
    local?.cleanup();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('runs fix operations on a worker from its own cache: cloned once, fetched after, one commit pushed per operation; a merge on a third disk', async () => {
    const registered = await api('POST', '/api/repos', { remoteUrl: `file://${bare}`, name: 'cart' });
    expect(registered.status, registered.text).toBe(201);
    expect(registered.json.remote).toBe(`git:file://${bare}`);
    expect(registered.json.warnings).toEqual([]);
    const base = remoteGit('rev-parse', 'main');

    const first = await api('POST', '/api/operations', { type: 'fix', description: 'total() ignores quantity (first)', repo: 'cart' });
    expect(first.status, first.text).toBe(201);
    const firstDone = await reaches(first.json.id, 'awaiting_approval');
    // The coder's commit is on the remote's work branch: any worker can fetch it from there.
    expect(remoteGit('rev-list', '--count', `${base}..refs/heads/${firstDone.branch}`)).toBe('1');
    expect(remoteGit('rev-parse', `refs/heads/${firstDone.branch}`)).toBe(firstDone.headCommit);

    // The worker's own clone, under its own data folder; the web process has none.
    const cache = path.join(folders.worker, 'repo-cache', 'cart');
    expect(fs.existsSync(path.join(cache, '.git'))).toBe(true);
    expect(fs.existsSync(path.join(folders.web, 'repo-cache'))).toBe(false);
    const cloneIdentity = fs.statSync(path.join(cache, '.git')).ino;
    const jobs = logLines(worker, 'job started').filter((job) => job.operationId === first.json.id);
    expect(jobs.map((job) => job.queue)).toEqual(expect.arrayContaining(['planning', 'execution']));

    const second = await api('POST', '/api/operations', { type: 'fix', description: 'total() ignores quantity (second)', repo: 'cart' });
    const secondDone = await reaches(second.json.id, 'awaiting_approval');
    expect(remoteGit('rev-list', '--count', `${base}..refs/heads/${secondDone.branch}`)).toBe('1');
    // The second operation fetched into the same clone: one clone in all, the same folder.
    expect(logLines(worker, 'repository cache cloned')).toHaveLength(1);
    expect(logLines(worker, 'repository cache fetched').length).toBeGreaterThanOrEqual(4);
    expect(fs.statSync(path.join(cache, '.git')).ino).toBe(cloneIdentity);

    // The merge runs on the other worker, from a clone it makes then, with the branch fetched.
    const approved = await api('POST', `/api/operations/${first.json.id}/approve`, { comment: 'ship it' });
    expect(approved.status, approved.text).toBe(200);
    const merged = await reaches(first.json.id, 'done');
    expect(logLines(merger, 'job started').map((job) => job.queue)).toContain('merging');
    expect(logLines(merger, 'repository cache cloned')).toHaveLength(1);
    expect(remoteGit('rev-parse', 'main')).toBe(merged.mergeCommit);
    expect(remoteGit('rev-list', '--count', `${base}..main`)).toBe('1');
  }, 240_000);

  it('warns when a repository is added by path while workers run on other data folders, and the worker fails its job saying why', async () => {
    const cliEnv = { PATH: process.env.PATH, HOME: process.env.HOME, MENDER_URL: web.url, MENDER_ADMIN_TOKEN: token, MENDER_DATA_DIR: folders.web };
    const added = await runMenderCli(cliEnv, 'repo', 'add', local.path, '--name', 'cart-local');
    expect(added.exitCode, added.stderr).toBe(0);
    expect(added.stdout).toContain('registered cart-local');
    expect(added.stderr).toMatch(/warning: 2 live worker\(s\) .* run on 2 other data folder\(s\)/);
    expect(added.stderr).toContain('needs a shared volume');

    const created = await api('POST', '/api/operations', { type: 'fix', description: 'total() ignores quantity (local)', repo: 'cart-local' });
    const failed = await reaches(created.json.id, 'failed');
    expect(failed.failureReason).toContain(`registered by its local path ${local.path}, on another data folder`);
    expect(failed.failureReason).toContain('this worker does not share that disk');
    expect(failed.failureReason).toContain('mender repo add --remote');
  }, 120_000);

  it('refuses a file remote that is not a bare repository, or whose configuration runs a program, saying what to do', async () => {
    const checkout = await api('POST', '/api/repos', { remoteUrl: `file://${local.path}`, name: 'not-bare' });
    expect(checkout.status, checkout.text).toBe(400);
    expect(checkout.text).toContain('is not a bare git repository: create one with git init --bare');
    const hostile = path.join(scratch, 'hostile.git');
    execFileSync('git', ['clone', '--quiet', '--bare', target.path, hostile]);
    execFileSync('git', ['config', 'core.sshCommand', 'touch /tmp/pwned-by-remote'], { cwd: hostile });
    const refused = await api('POST', '/api/repos', { remoteUrl: `file://${hostile}`, name: 'hostile' });
    expect(refused.status, refused.text).toBe(400);
    expect(refused.text).toContain('sets core.sshcommand');
    expect((await api('GET', '/api/repos')).json.repos.map((repo: { name: string }) => repo.name)).not.toContain('hostile');
  });
});
