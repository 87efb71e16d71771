import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { roleScript, startScriptedModelServer, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { buggyCart, createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';

describe('rollback of a merged operation', () => {
  let model: ScriptedModelServer;
  let mender: MenderUnderTest;
  let target: TargetRepository;

  afterAll(async () => {
    await mender?.close();
    await model?.close();
    target?.cleanup();
  });

  it('reverts the merged commits through verification and approval, and marks the original rolled back', async () => {
    model = await startScriptedModelServer(roleScript({ planner: plannerReplies, coder: coderReplies(), reviewer: reviewerReplies }));
    mender = await startMenderUnderTest({ MENDER_MODEL: 'openai-compatible:scripted-model', MENDER_MODEL_BASE_URL: model.url });
    target = createTargetRepository();
    await mender.call('POST', '/api/repos', { name: 'cart', path: target.path });
    const id = (await mender.call('POST', '/api/operations', { type: 'fix', description: 'total() ignores quantity', repo: 'cart' })).json.id;
    await mender.waitForStatus(id, ['awaiting_approval']);
    expect((await mender.call('POST', `/api/operations/${id}/rollback`)).status).toBe(409);
    await mender.call('POST', `/api/operations/${id}/approve`);
    const merged = await mender.waitForStatus(id, ['done', 'failed']);
    expect(merged.timeline.find((event: { type: string }) => event.type === 'rollback_point.recorded').data.commit).toBe(merged.baseCommit);
    const fixedHead = target.head();

    const started = await mender.call('POST', `/api/operations/${id}/rollback`, { comment: 'customers rely on the old totals' });
    expect(started.status).toBe(201);
    expect(started.json).toMatchObject({ status: 'queued', rollbackOf: id });
    expect((await mender.call('POST', `/api/operations/${id}/rollback`)).status).toBe(409);
    const rollback = await mender.waitForStatus(started.json.id, ['awaiting_approval', 'failed']);
    expect(rollback.status).toBe('awaiting_approval');
    expect(rollback.type).toBe('rollback');
    expect(rollback.evidence.green.status).toBe('passed');
    expect(target.head()).toBe(fixedHead);
    expect((await mender.call('GET', `/api/operations/${started.json.id}/diff`)).text).toContain(
      '-  const sum = items.reduce((accumulator, item) => accumulator + item.price * item.quantity, 0);',
    );

    await mender.call('POST', `/api/operations/${started.json.id}/approve`);
    expect((await mender.waitForStatus(started.json.id, ['done', 'failed'])).status).toBe('done');
    expect((await mender.call('GET', `/api/operations/${id}`)).json.status).toBe('rolled_back');
    expect(target.git('log', '-1', '--format=%s', 'main')).toBe(`revert: roll back operation ${id}`);
    expect(fs.readFileSync(path.join(target.path, 'src/cart.ts'), 'utf8')).toBe(buggyCart);
    expect(fs.existsSync(path.join(target.path, 'test/quantity.test.ts'))).toBe(false);
    execFileSync('npm', ['test'], { cwd: target.path, stdio: 'ignore', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  });
});
