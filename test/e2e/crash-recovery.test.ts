import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { roleScript, startScriptedModelServer, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { countAssistantTurns } from '../fakes/conversation-inspection.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { freePort, startMenderProcess } from '../support/mender-process.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';
import { openStore } from '../../src/store/database.ts';
import { jobs } from '../../src/store/schema.ts';

const token = 'crash-test-admin-token-42';

describe('a crash while an operation executes', () => {
  let model: ScriptedModelServer;
  let target: TargetRepository;
  let child: ChildProcess | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-crash-'));
  let log = '';

  afterAll(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    await model?.close();
    target?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function startProcess(port: number): Promise<string> {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      MENDER_DATA_DIR: dataDir,
      MENDER_ADMIN_TOKEN: token,
      MENDER_TWO_PERSON_RULE: 'false',
      MENDER_MODEL: 'openai-compatible:scripted-model',
      MENDER_MODEL_BASE_URL: model.url,
    };
    const started = await startMenderProcess({ env, port, tries: 300, onOutput: (chunk) => (log += chunk) });
    child = started.child;
    return started.url;
  }

  const api = async (url: string, method: string, route: string, body?: unknown) => {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json() as Promise<any>;
  };

  async function waitFor(url: string, id: string, predicate: (operation: any) => boolean, what: string): Promise<any> {
    for (let tries = 0; tries < 1800; tries += 1) {
      const operation = await api(url, 'GET', `/api/operations/${id}`);
      if (predicate(operation)) return operation;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}: ${log.slice(-2000)}`);
  }

  it('resumes after SIGKILL without losing the job, running it twice to a second commit, or leaving a worktree', async () => {
    let crashed = false;
    const normalCoder = coderReplies();
    model = await startScriptedModelServer(
      roleScript({
        planner: plannerReplies,
        reviewer: reviewerReplies,
        // Before the crash the coder writes its test, then hangs mid-conversation until the process dies.
        coder: (request) => {
          const turn = countAssistantTurns(request.body);
          if (!crashed && turn >= 1) return { hang: true };
          return normalCoder[turn] ?? { text: 'done' };
        },
      }),
    );
    target = createTargetRepository();
    const before = target.head();
    const port = await freePort();
    let url = await startProcess(port);
    await api(url, 'POST', '/api/repos', { name: 'cart', path: target.path });
    const { id } = await api(url, 'POST', '/api/operations', { type: 'fix', description: 'total() ignores quantity', repo: 'cart' });
    await waitFor(
      url,
      id,
      (operation) =>
        operation.timeline.some(
          (event: { type: string; data: { tool?: string } }) => event.type === 'tool.called' && event.data.tool === 'filesystem__writeFile',
        ),
      'the coder to write its test',
    );
    for (let tries = 0; tries < 100 && model.requests.filter((request) => request.role === 'coder').length < 2; tries += 1)
      await new Promise((resolve) => setTimeout(resolve, 50));

    child!.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    crashed = true;
    expect(fs.readdirSync(path.join(dataDir, 'worktrees'))).toEqual([id]);

    url = await startProcess(port);
    const ready = await waitFor(
      url,
      id,
      (operation) => ['awaiting_approval', 'failed'].includes(operation.status),
      'the resumed operation to finish executing',
    );
    expect(ready.status).toBe('awaiting_approval');
    expect(ready.attempts).toBe(2);
    expect(ready.timeline.map((event: { type: string }) => event.type)).toContain('execution.resumed');
    expect(target.git('rev-list', '--count', `${before}..${ready.branch}`)).toBe('1');
    expect(target.git('worktree', 'list').split('\n')).toHaveLength(1);

    await api(url, 'POST', `/api/operations/${id}/approve`, {});
    const done = await waitFor(url, id, (operation) => ['done', 'failed'].includes(operation.status), 'the merge');
    expect(done.status).toBe('done');
    expect(target.git('rev-list', '--count', `${before}..main`)).toBe('1');
    expect(fs.readdirSync(path.join(dataDir, 'worktrees'))).toEqual([]);

    child!.kill('SIGTERM');
    await new Promise((resolve) => child!.once('exit', resolve));
    const store = await openStore({ directory: path.join(dataDir, 'db') });
    const rows = await store.db.select().from(jobs);
    await store.close();
    const executions = rows.filter((row) => row.queue === 'execution');
    expect(executions).toHaveLength(1);
    expect(executions[0]).toMatchObject({ status: 'completed', attempts: 2 });
    expect(rows.every((row) => row.status === 'completed')).toBe(true);
  }, 300_000);
});
