import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { roleScript, type ScriptedModelServer, type ScriptHandler } from '../fakes/scripted-model-server.ts';
import { countAssistantTurns } from '../fakes/conversation-inspection.ts';
import type { MenderUnderTest } from '../support/mender-under-test.ts';
import { startCartPipeline } from '../support/cart-pipeline.ts';
import { fixedCart, type TargetRepository } from '../support/target-repository.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';

describe('human decisions and a moving default branch', () => {
  let model: ScriptedModelServer | undefined;
  let mender: MenderUnderTest | undefined;
  let target: TargetRepository | undefined;

  afterEach(async () => {
    await mender?.close();
    await model?.close();
    target?.cleanup();
    mender = model = target = undefined;
  });

  async function setUp(coder: ScriptHandler = roleScriptCoder()) {
    ({ model, mender, target } = await startCartPipeline(roleScript({ planner: plannerReplies, coder, reviewer: reviewerReplies })));
    return { mender, target, model };
  }

  function roleScriptCoder(): ScriptHandler {
    const replies = coderReplies();
    return (request) => replies[countAssistantTurns(request.body)] ?? { text: 'done' };
  }

  const start = async (subject: MenderUnderTest, type = 'fix') =>
    (await subject.call('POST', '/api/operations', { type, description: 'total() ignores quantity', repo: 'cart' })).json.id as string;

  it('holds an implement plan for approval, re-plans on requested changes, then executes once approved', { timeout: 240_000 }, async () => {
    const { mender, model } = await setUp();
    const id = await start(mender, 'implement');
    let operation = await mender.waitForStatus(id, ['awaiting_plan_approval']);
    expect(operation.approvals).toEqual([expect.objectContaining({ gate: 'plan', requiredLevel: 'team-lead', decision: null })]);
    expect(model.requests.filter((request) => request.role === 'coder')).toHaveLength(0);

    expect((await mender.call('POST', `/api/operations/${id}/request-changes`, {})).status).toBe(400);
    const sentBack = await mender.call('POST', `/api/operations/${id}/request-changes`, { comment: 'Also cover an empty cart.' });
    expect(sentBack.json.status).toBe('planning');
    operation = await mender.waitForStatus(id, ['awaiting_plan_approval']);
    const replan = model.requests.filter((request) => request.role === 'planner').at(-1);
    expect(JSON.stringify(replan?.body)).toContain('Also cover an empty cart.');

    expect((await mender.call('POST', `/api/operations/${id}/approve`, { comment: 'go' })).json.status).toBe('executing');
    operation = await mender.waitForStatus(id, ['awaiting_approval', 'failed']);
    expect(operation.status).toBe('awaiting_approval');
    expect(operation.approvals.map((approval: { gate: string; decision: string | null }) => `${approval.gate}:${approval.decision}`)).toEqual([
      'plan:changes_requested',
      'plan:approved',
      'change:null',
    ]);
    // Deciding twice is refused and changes nothing.
    expect((await mender.call('POST', `/api/operations/${id}/retry`)).status).toBe(409);
  });

  it('sends the change back to the coder with the feedback and proposes the revision', async () => {
    const first = coderReplies();
    const revised = fixedCart.replace('/** Total price', '/** Total price (price × quantity)');
    const { mender, target, model } = await setUp((request) => {
      const turn = countAssistantTurns(request.body);
      if (!JSON.stringify(request.body).includes('Name the quantity in the doc comment')) return first[turn] ?? { text: 'done' };
      return (
        [
          { toolCalls: [{ name: 'filesystem__writeFile', arguments: { path: 'src/cart.ts', content: revised } }] },
          { toolCalls: [{ name: 'finish', arguments: { summary: 'Doc comment names the quantity.' } }] },
        ][turn] ?? { text: 'done' }
      );
    });
    const id = await start(mender);
    const proposed = await mender.waitForStatus(id, ['awaiting_approval']);
    await mender.call('POST', `/api/operations/${id}/request-changes`, { comment: 'Name the quantity in the doc comment.' });
    const revision = await mender.waitForStatus(id, ['awaiting_approval', 'failed'], 90_000);
    expect(revision.status).toBe('awaiting_approval');
    expect(revision.headCommit).not.toBe(proposed.headCommit);
    expect(target.git('rev-list', '--count', `main..${revision.branch}`)).toBe('2');
    expect((await mender.call('GET', `/api/operations/${id}/diff`)).text).toContain('(price × quantity)');
    expect(model.requests.filter((request) => request.role === 'reviewer')).toHaveLength(2);
    await mender.call('POST', `/api/operations/${id}/approve`);
    expect((await mender.waitForStatus(id, ['done', 'failed'])).status).toBe('done');
    expect(fs.readFileSync(path.join(target.path, 'src/cart.ts'), 'utf8')).toBe(revised);
  });

  it('rebases onto a default branch that moved, verifies again, and merges', async () => {
    const { mender, target } = await setUp();
    const id = await start(mender);
    await mender.waitForStatus(id, ['awaiting_approval']);
    fs.writeFileSync(path.join(target.path, 'README.md'), '# cart\n');
    target.git('add', 'README.md');
    target.git('commit', '-q', '-m', 'docs: readme');
    const moved = target.head();
    await mender.call('POST', `/api/operations/${id}/approve`);
    const done = await mender.waitForStatus(id, ['done', 'failed']);
    expect(done.status).toBe('done');
    expect(done.timeline.map((event: { type: string }) => event.type)).toEqual(expect.arrayContaining(['merge.rebasing', 'merge.reverified', 'change.merged']));
    expect(target.git('rev-parse', 'main^')).toBe(moved);
    expect(fs.readFileSync(path.join(target.path, 'src/cart.ts'), 'utf8')).toBe(fixedCart);
  });

  it('fails with the conflicting file when the default branch moved in a way the change no longer applies to', async () => {
    const { mender, target } = await setUp();
    const id = await start(mender);
    await mender.waitForStatus(id, ['awaiting_approval']);
    const cart = path.join(target.path, 'src/cart.ts');
    fs.writeFileSync(cart, fs.readFileSync(cart, 'utf8').replace('accumulator + item.price, 0', 'accumulator + item.price + 0, 0'));
    target.git('commit', '-q', '-am', 'a conflicting edit');
    const moved = target.head();
    await mender.call('POST', `/api/operations/${id}/approve`);
    const failed = await mender.waitForStatus(id, ['done', 'failed']);
    expect(failed.status).toBe('failed');
    expect(failed.failureReason).toContain('main moved and the change no longer applies: conflict in src/cart.ts');
    expect(target.head()).toBe(moved);
    expect(target.git('worktree', 'list').split('\n')).toHaveLength(1);
  });

  it('cancels a running operation at once, then retries it from the start', { timeout: 240_000 }, async () => {
    let hold = true;
    const replies = coderReplies();
    const { mender, target, model } = await setUp((request) => (hold ? { hang: true } : (replies[countAssistantTurns(request.body)] ?? { text: 'done' })));
    const id = await start(mender);
    await mender.waitForStatus(id, ['executing']);
    for (let tries = 0; tries < 200 && !model.requests.some((request) => request.role === 'coder'); tries += 1)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const cancelled = await mender.call('POST', `/api/operations/${id}/cancel`, { comment: 'wrong approach' });
    expect(cancelled.json.status).toBe('cancelled');
    // Clean-up finishes in the background once the running step has stopped.
    for (
      let tries = 0;
      tries < 100 && (fs.readdirSync(path.join(mender.dataDir, 'worktrees')).length > 0 || target.git('branch', '--list', 'mender/*') !== '');
      tries += 1
    )
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fs.readdirSync(path.join(mender.dataDir, 'worktrees'))).toEqual([]);
    expect(target.git('branch', '--list', 'mender/*')).toBe('');
    expect((await mender.call('POST', `/api/operations/${id}/cancel`)).status).toBe(409);

    hold = false;
    expect((await mender.call('POST', `/api/operations/${id}/retry`)).json.status).toBe('queued');
    const retried = await mender.waitForStatus(id, ['awaiting_approval', 'failed']);
    expect(retried.status).toBe('awaiting_approval');
    expect(retried.attempts).toBe(1);
    const rejected = await mender.call('POST', `/api/operations/${id}/reject`, { comment: 'not now' });
    expect(rejected.json.status).toBe('rejected');
    const final = (await mender.call('GET', `/api/operations/${id}`)).json;
    expect(final.changeRequest.status).toBe('closed');
    expect(target.git('branch', '--list', 'mender/*')).toBe('');
  });
});
