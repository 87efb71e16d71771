import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { roleScript, type ScriptedModelServer, type ScriptHandler, type ScriptedReply } from '../fakes/scripted-model-server.ts';
import { countAssistantTurns } from '../fakes/conversation-inspection.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { startCartPipeline } from '../support/cart-pipeline.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';

const extraTest = `import { expect, it } from 'vitest';
import { total } from '../src/cart.ts';

it('totals an empty cart as 0', () => {
  expect(total([])).toBe(0);
});
`;

/** A refactor that only adds a passing test: tests only, a few lines — eligible for automatic approval. */
const testOnlyCoder: ScriptedReply[] = [
  { toolCalls: [{ name: 'filesystem__writeFile', arguments: { path: 'test/empty.test.ts', content: extraTest } }] },
  { toolCalls: [{ name: 'finish', arguments: { summary: 'Covers the empty cart.' } }] },
];

describe('roles, approval levels, autonomy, the kill switch and budgets', () => {
  let model: ScriptedModelServer | undefined;
  let mender: MenderUnderTest | undefined;
  let target: TargetRepository | undefined;

  afterEach(async () => {
    await mender?.close();
    await model?.close();
    target?.cleanup();
    mender = model = target = undefined;
  });

  async function setUp(env: Record<string, string>, coder: ScriptedReply[] | ScriptHandler = coderReplies()) {
    ({ model, mender, target } = await startCartPipeline(roleScript({ planner: plannerReplies, coder, reviewer: reviewerReplies }), env));
    return { mender, target, model };
  }

  async function addUser(subject: MenderUnderTest, name: string, role: string): Promise<Record<string, string>> {
    const created = await subject.call('POST', '/api/users', { name, role });
    expect(created.status).toBe(201);
    return { authorization: `Bearer ${created.json.token}` };
  }

  it('counts an approval only from a role that meets the level, and never from the one who asked (two-person rule)', async () => {
    const { mender, target } = await setUp({ MENDER_TWO_PERSON_RULE: 'true' });
    const alice = await addUser(mender, 'alice', 'team-lead');
    const bob = await addUser(mender, 'bob', 'team-lead');
    const victor = await addUser(mender, 'victor', 'viewer');
    expect((await mender.call('POST', '/api/users', { name: 'mallory', role: 'admin' }, alice)).status).toBe(403);

    const created = await mender.call('POST', '/api/operations', { type: 'fix', description: 'total() ignores quantity', repo: 'cart' }, alice);
    expect(created.status).toBe(201);
    expect((await mender.call('POST', '/api/operations', { type: 'fix', description: 'x', repo: 'cart' }, victor)).status).toBe(403);
    const id = created.json.id;
    const waiting = await mender.waitForStatus(id, ['awaiting_approval']);
    expect(waiting.createdBy).toBe('alice');
    expect(waiting.risk).toMatchObject({ level: 'low', requiredApproval: 'team-lead' });
    expect(waiting.approvals.at(-1)).toMatchObject({ gate: 'change', requiredLevel: 'team-lead', decision: null });

    expect((await mender.call('GET', `/api/operations/${id}`, undefined, victor)).status).toBe(200);
    expect((await mender.call('POST', `/api/operations/${id}/approve`, {}, victor)).status).toBe(403);
    const own = await mender.call('POST', `/api/operations/${id}/approve`, {}, alice);
    expect(own.status).toBe(403);
    expect(own.json.error.message).toContain('two-person rule');
    expect(target.head()).toBe(target.git('rev-parse', 'main'));
    const approved = await mender.call('POST', `/api/operations/${id}/approve`, { comment: 'second pair of eyes' }, bob);
    expect(approved.json.status).toBe('merging');
    const done = await mender.waitForStatus(id, ['done', 'failed']);
    expect(done.status).toBe('done');
    expect(done.approvals.at(-1)).toMatchObject({ decision: 'approved', decidedBy: 'bob', comment: 'second pair of eyes' });
    expect(done.timeline.filter((event: { type: string }) => event.type === 'approval.refused').map((event: { actor: string }) => event.actor)).toEqual([
      'alice',
    ]);
  });

  it('raises a change to a protected path to admin level', async () => {
    const { mender } = await setUp({ MENDER_PROTECTED_PATHS: 'src/cart.ts' });
    const lead = await addUser(mender, 'lee', 'team-lead');
    const id = (await mender.call('POST', '/api/operations', { type: 'fix', description: 'total() ignores quantity', repo: 'cart' })).json.id;
    const waiting = await mender.waitForStatus(id, ['awaiting_approval']);
    expect(waiting.risk.requiredApproval).toBe('admin');
    expect(waiting.risk.reasons).toContain('changes protected path src/cart.ts (src/cart.ts)');
    const refused = await mender.call('POST', `/api/operations/${id}/approve`, {}, lead);
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toBe('lee is team-lead; approving at level admin needs admin');
    expect((await mender.call('POST', `/api/operations/${id}/approve`)).json.status).toBe('merging');
  });

  it('refuses writes to protected paths when the policy says refuse', async () => {
    const { mender, model } = await setUp({ MENDER_PROTECTED_PATHS: 'src/cart.ts', MENDER_PROTECTED_PATH_ACTION: 'refuse', MENDER_MAX_ATTEMPTS: '1' });
    const id = (await mender.call('POST', '/api/operations', { type: 'fix', description: 'total() ignores quantity', repo: 'cart' })).json.id;
    const failed = await mender.waitForStatus(id, ['failed', 'awaiting_approval']);
    expect(failed.status).toBe('failed');
    const afterFixWrite = JSON.stringify(model.requests.filter((request) => request.role === 'coder')[3]?.body.messages.at(-1));
    expect(afterFixWrite).toContain('src/cart.ts is a protected path');
  });

  it('lets autonomy decide the change gate: level 1 always asks, level 2 passes a change eligible for auto', async () => {
    const first = await setUp({ MENDER_AUTONOMY_LEVEL: '1' }, testOnlyCoder);
    const atLevelOne = (await first.mender.call('POST', '/api/operations', { type: 'refactor', description: 'cover the empty cart', repo: 'cart' })).json.id;
    const waiting = await first.mender.waitForStatus(atLevelOne, ['awaiting_approval', 'failed', 'done']);
    expect(waiting.status).toBe('awaiting_approval');
    expect(waiting.risk).toMatchObject({ level: 'low', requiredApproval: 'auto', categories: ['tests-only'] });
    expect(waiting.approvals.at(-1)).toMatchObject({ requiredLevel: 'team-lead', decision: null });
    await first.mender.close();
    await first.model.close();
    first.target.cleanup();

    const fixCoder = coderReplies();
    const second = await setUp({ MENDER_AUTONOMY_LEVEL: '2' }, (request) => {
      const replies = JSON.stringify(request.body).includes('Task type: fix') ? fixCoder : testOnlyCoder;
      return replies[countAssistantTurns(request.body)] ?? { text: 'done' };
    });
    const before = second.target.head();
    const atLevelTwo = (await second.mender.call('POST', '/api/operations', { type: 'refactor', description: 'cover the empty cart', repo: 'cart' })).json.id;
    const done = await second.mender.waitForStatus(atLevelTwo, ['done', 'failed', 'awaiting_approval']);
    expect(done.status).toBe('done');
    expect(done.approvals.at(-1)).toMatchObject({ requiredLevel: 'auto', decision: 'approved', decidedBy: 'policy' });
    expect(done.timeline.map((event: { type: string }) => event.type)).toContain('change.auto_approved');
    expect(second.target.git('rev-parse', 'main^')).toBe(before);
    // A source fix is not eligible at level 2: it waits.
    const fix = (await second.mender.call('POST', '/api/operations', { type: 'fix', description: 'total() ignores quantity', repo: 'cart' })).json.id;
    expect((await second.mender.waitForStatus(fix, ['awaiting_approval', 'failed', 'done'])).status).toBe('awaiting_approval');
  });

  it('passes low-risk source fixes at autonomy level 3', async () => {
    const { mender } = await setUp({ MENDER_AUTONOMY_LEVEL: '3' });
    const id = (await mender.call('POST', '/api/operations', { type: 'fix', description: 'total() ignores quantity', repo: 'cart' })).json.id;
    const done = await mender.waitForStatus(id, ['done', 'failed', 'awaiting_approval']);
    expect(done.status).toBe('done');
    expect(done.risk.requiredApproval).toBe('team-lead');
  });

  it('pauses within a second: the running model call stops, no new step starts, and resume continues', async () => {
    let hold = true;
    const replies = coderReplies();
    const { mender, model } = await setUp({}, (request) => (hold ? { hang: true } : (replies[countAssistantTurns(request.body)] ?? { text: 'done' })));
    const id = (await mender.call('POST', '/api/operations', { type: 'fix', description: 'total() ignores quantity', repo: 'cart' })).json.id;
    for (let tries = 0; tries < 1200 && !model.requests.some((request) => request.role === 'coder'); tries += 1)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(
      model.requests.some((request) => request.role === 'coder'),
      'the coder call never started',
    ).toBe(true);
    const paused = await mender.call('POST', '/api/agent/pause', { reason: 'incident' });
    expect(paused.json).toMatchObject({ paused: true, by: 'admin', reason: 'incident' });
    // Latency on the server's own clock, from the pause to the stopped step, so a loaded test machine's polling does not count.
    let stoppedEvent: { at: string } | undefined;
    for (let tries = 0; tries < 500 && !stoppedEvent; tries += 1) {
      const timeline = (await mender.call('GET', `/api/operations/${id}`)).json.timeline;
      stoppedEvent = timeline.find((event: { type: string }) => event.type === 'step.paused');
      if (!stoppedEvent) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(stoppedEvent, 'the running step never stopped').toBeDefined();
    const stoppedAfter = Date.parse(stoppedEvent!.at) - Date.parse(paused.json.at);
    expect(stoppedAfter).toBeLessThan(1000);
    const second = (await mender.call('POST', '/api/operations', { type: 'fix', description: 'another', repo: 'cart' })).json.id;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await mender.call('GET', `/api/operations/${second}`)).json.status).toBe('queued');
    expect((await mender.call('GET', '/api/agent')).json.paused).toBe(true);
    const lead = await addUser(mender, 'lena', 'team-lead');
    expect((await mender.call('POST', '/api/agent/resume', {}, lead)).status).toBe(403);

    hold = false;
    expect((await mender.call('POST', '/api/agent/resume')).json.paused).toBe(false);
    const resumed = await mender.waitForStatus(id, ['awaiting_approval', 'failed']);
    expect(resumed.status).toBe('awaiting_approval');
    expect(resumed.timeline.map((event: { type: string }) => event.type)).toContain('execution.resumed');
    const audit = await mender.store.db.execute(`SELECT action FROM audit_log WHERE subject = 'agent' ORDER BY sequence` as never);
    expect((audit as unknown as { rows: { action: string }[] }).rows.map((row) => row.action)).toEqual(['agent.paused', 'agent.resumed']);
  });

  it('lets exactly 10 of 20 racing operations start under a limit of 10 per hour', async () => {
    mender = await startMenderUnderTest({ MENDER_MAX_OPERATIONS_PER_HOUR: '10' });
    target = createTargetRepository();
    await mender.call('POST', '/api/repos', { name: 'cart', path: target.path });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) => mender!.call('POST', '/api/operations', { type: 'fix', description: `race ${index}`, repo: 'cart' })),
    );
    expect(results.filter((result) => result.status === 201)).toHaveLength(10);
    const refused = results.filter((result) => result.status === 429);
    expect(refused).toHaveLength(10);
    expect(refused[0]!.json.error.message).toContain('10 operations already started in the last hour');
    expect((await mender.call('GET', '/api/operations?limit=100')).json.operations).toHaveLength(10);
  });

  it('stops an operation that goes over its token budget, saying which limit', async () => {
    const { mender } = await setUp({ MENDER_MAX_TOKENS_PER_OPERATION: '400' });
    const id = (await mender.call('POST', '/api/operations', { type: 'fix', description: 'total() ignores quantity', repo: 'cart' })).json.id;
    const failed = await mender.waitForStatus(id, ['failed', 'awaiting_approval']);
    expect(failed.status).toBe('failed');
    expect(failed.failureReason).toMatch(/^budget: the operation used \d+ model tokens, over its limit of 400 \(MENDER_MAX_TOKENS_PER_OPERATION\)$/);
    expect(fs.readdirSync(path.join(mender.dataDir, 'worktrees'))).toEqual([]);
  });
});
