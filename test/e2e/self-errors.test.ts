import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { eventually } from '../support/eventually.ts';

describe("Mender's own errors reach its own detection once its checkout is the self repository", () => {
  let mender: MenderUnderTest;
  let own: TargetRepository;
  let app: TargetRepository;
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-self-errors-'));

  beforeAll(async () => {
    own = createTargetRepository();
    app = createTargetRepository();
    const config = path.join(folder, 'mender.config.json');
    fs.writeFileSync(config, JSON.stringify({ repos: [{ name: 'mender', path: own.path, self: true }] }));
    // A model that is configured but never reached: the step fails on Mender's side first.
    mender = await startMenderUnderTest({
      MENDER_CONFIG: config,
      MENDER_MODEL: 'openai-compatible:scripted-model',
      MENDER_MODEL_BASE_URL: 'http://127.0.0.1:9/v1',
    });
  });
  afterAll(async () => {
    await mender?.close();
    own?.cleanup();
    app?.cleanup();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('turns an internal error of a step into an issue of the repository `mender`, grouped by its stack', async () => {
    expect((await mender.call('POST', '/api/repos', { path: app.path, name: 'app' })).status).toBe(201);
    // Mender's own data folder is broken (its worktrees folder is a file): planning fails inside Mender.
    const worktrees = path.join(mender.dataDir, 'worktrees');
    fs.rmSync(worktrees, { recursive: true, force: true });
    fs.writeFileSync(worktrees, 'not a folder');
    const created = await mender.call('POST', '/api/operations', { type: 'fix', repo: 'app', description: 'total() ignores quantity' });
    expect(created.status).toBe(201);
    const failed = await mender.waitForStatus(created.json.id, ['failed']);
    expect(failed.failureReason).toMatch(/^internal error in plan/);

    const issues = await eventually(
      async () => (await mender.call('GET', '/api/issues?repo=mender')).json.issues as { title: string; culprit: string; source: string; count: number }[],
      (found) => found.length > 0,
      'an issue of the repository mender',
      20_000,
    );
    // Grouped by the error's own stack: its type and message, and Mender's frame that threw.
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ source: 'log', count: 1 });
    expect(issues[0]!.title).toMatch(/^GitError: git worktree add/);
    expect(issues[0]!.culprit).toContain('git.ts');
    const projects = (await mender.call('GET', '/api/projects')).json;
    expect(JSON.stringify(projects)).toContain('"name":"mender"');
    // Other repositories' issues are not where Mender's own go.
    expect((await mender.call('GET', '/api/issues?repo=app')).json.issues).toEqual([]);
  });
});
