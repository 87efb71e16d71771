import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleScript, type ScriptHandler } from '../fakes/scripted-model-server.ts';
import { countAssistantTurns } from '../fakes/conversation-inspection.ts';
import { startCartPipeline, type CartPipeline } from '../support/cart-pipeline.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';
import { fixedCart, quantityTest } from '../support/target-repository.ts';

// Changes that add nothing: a revision that ends on the same commit, and a change main already has.
// One Mender and one cart repository; the cases run in order.
const keepAsIs = 'Keep the change as it is, just check it again.';

describe('changes that add nothing', () => {
  let pipeline: CartPipeline;

  beforeAll(async () => {
    const first = coderReplies();
    // The revision asked for with `keepAsIs` is answered by finishing without an edit.
    const coder: ScriptHandler = (request) => {
      const turn = countAssistantTurns(request.body);
      if (JSON.stringify(request.body).includes(keepAsIs))
        return turn === 0 ? { toolCalls: [{ name: 'finish', arguments: { summary: 'Nothing to change.' } }] } : { text: 'done' };
      return first[turn] ?? { text: 'done' };
    };
    pipeline = await startCartPipeline(roleScript({ planner: plannerReplies, coder, reviewer: reviewerReplies }));
  }, 60_000);

  afterAll(async () => {
    await pipeline?.mender.close();
    await pipeline?.model.close();
    pipeline?.target.cleanup();
  });

  const start = async (type: string) =>
    (await pipeline.mender.call('POST', '/api/operations', { type, description: 'total() ignores quantity', repo: 'cart' })).json.id as string;

  it('brings a revision that changed nothing back to the gate with a note, never a database error', { timeout: 240_000 }, async () => {
    const { mender } = pipeline;
    const id = await start('fix');
    const proposed = await mender.waitForStatus(id, ['awaiting_approval', 'failed']);
    expect(proposed.status, proposed.failureReason).toBe('awaiting_approval');
    expect((await mender.call('POST', `/api/operations/${id}/request-changes`, { comment: keepAsIs })).status).toBe(200);
    const revision = await mender.waitForStatus(id, ['awaiting_approval', 'failed'], 120_000);
    expect(revision.failureReason ?? null).toBeNull();
    expect(revision.status).toBe('awaiting_approval');
    expect(revision.headCommit).toBe(proposed.headCommit);
    // A new approval for the same commit: the old one keeps its decision.
    expect(revision.approvals.map((approval: { gate: string; decision: string | null }) => `${approval.gate}:${approval.decision}`)).toEqual([
      'change:changes_requested',
      'change:null',
    ]);
    const requested = revision.timeline.filter((event: { type: string }) => event.type === 'approval.requested').at(-1);
    expect(requested.data.note).toMatch(/made no change/);
    expect(JSON.stringify(revision)).not.toMatch(/duplicate key|violates|constraint|insert into/i);
    expect((await mender.call('POST', `/api/operations/${id}/reject`, { comment: 'done looking' })).json.status).toBe('rejected');
  });

  it('does not claim a merge when main already has the change: main stays where it was and the page is told why', { timeout: 300_000 }, async () => {
    const { mender, target } = pipeline;
    const id = await start('implement');
    await mender.waitForStatus(id, ['awaiting_plan_approval']);
    expect((await mender.call('POST', `/api/operations/${id}/approve`)).status).toBe(200);
    const proposed = await mender.waitForStatus(id, ['awaiting_approval', 'failed']);
    expect(proposed.status, proposed.failureReason).toBe('awaiting_approval');
    // Someone lands the same change on main by hand meanwhile.
    fs.writeFileSync(path.join(target.path, 'src/cart.ts'), fixedCart);
    fs.writeFileSync(path.join(target.path, 'test/quantity.test.ts'), quantityTest);
    target.git('add', '-A');
    target.git('commit', '-q', '-m', 'fix quantities by hand');
    const mainBefore = target.head();
    expect((await mender.call('POST', `/api/operations/${id}/approve`)).status).toBe(200);
    const ended = await mender.waitForStatus(id, ['done', 'failed', 'merged']);
    expect(target.head()).toBe(mainBefore);
    expect(ended.mergeCommit ?? null).toBeNull();
    const types = ended.timeline.map((event: { type: string }) => event.type);
    expect(types).not.toContain('change.merged');
    expect(ended.status).toBe('done');
    const doneEvent = ended.timeline.find((event: { type: string }) => event.type === 'operation.done');
    expect(doneEvent.data.reason).toBe('already_on_default_branch');
    expect(doneEvent.data.note).toMatch(/main already has this change/);
    expect(ended.changeRequest.status).toBe('closed');
  });
});
