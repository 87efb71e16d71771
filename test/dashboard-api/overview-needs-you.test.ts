import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleScript, startScriptedModelServer, type ScriptedModelServer, type ScriptHandler } from '../fakes/scripted-model-server.ts';
import { countAssistantTurns } from '../fakes/conversation-inspection.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { createUserAndSignIn, type BrowserSession } from './support/browser-session.ts';

// The Overview's "Needs you" (gates the signed-in person may decide, the others with who can),
// the operations at work with their latest step, the Approvals badge count, and health from the
// recent failure rate: one Mender, the two-person rule on.
describe('overview: what needs you, what runs, and health from recent failures', () => {
  let model: ScriptedModelServer;
  let mender: MenderUnderTest;
  let target: TargetRepository;
  let lee: BrowserSession;
  let tia: BrowserSession;
  let vic: BrowserSession;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const replies = coderReplies();
    // The coder never answers an operation that says "hold the coder": it stays at work.
    const coder: ScriptHandler = (request) =>
      JSON.stringify(request.body).includes('hold the coder') ? { hang: true } : (replies[countAssistantTurns(request.body)] ?? { text: 'done' });
    model = await startScriptedModelServer(roleScript({ planner: plannerReplies, coder, reviewer: reviewerReplies }));
    mender = await startMenderUnderTest({
      MENDER_MODEL: 'openai-compatible:scripted-model',
      MENDER_MODEL_BASE_URL: model.url,
      MENDER_TWO_PERSON_RULE: 'true',
    });
    target = createTargetRepository();
    expect((await mender.call('POST', '/api/repos', { name: 'cart', path: target.path })).status).toBe(201);
    lee = await createUserAndSignIn(mender, 'lee', 'team-lead');
    tia = await createUserAndSignIn(mender, 'tia', 'team-lead');
    vic = await createUserAndSignIn(mender, 'vic', 'viewer');
  }, 120_000);
  afterAll(async () => {
    await mender?.close();
    await model?.close();
    target?.cleanup();
  });

  const start = async (type: string, description: string) => {
    const answer = await lee.call('POST', '/api/operations', { type, description, repo: 'cart' });
    expect(answer.status, answer.text).toBe(201);
    return answer.json.id as string;
  };

  it('lists the plan gate as yours for another team lead, with who can for the one who asked and a viewer', { timeout: 240_000 }, async () => {
    ids.plan = await start('implement', 'support a quantity in total()');
    ids.held = await start('fix', 'total() ignores quantity; hold the coder');
    await mender.waitForStatus(ids.plan, ['awaiting_plan_approval']);
    await mender.waitForStatus(ids.held, ['executing']);

    const forTia = (await tia.call('GET', '/api/overview?days=7')).json;
    expect(forTia.needsYou).toEqual([
      {
        operationId: ids.plan,
        title: 'Multiply price by quantity in total()',
        type: 'implement',
        repo: 'cart',
        gate: 'plan',
        level: 'team-lead',
        risk: 'low',
        diff: null,
        requestedBy: 'lee',
        waitingSince: expect.any(String),
        forYou: true,
        reason: null,
      },
    ]);
    expect(forTia.running).toEqual([
      {
        operationId: ids.held,
        title: expect.any(String),
        type: 'fix',
        repo: 'cart',
        status: 'executing',
        createdAt: expect.any(String),
        latest: { type: expect.any(String), at: expect.any(String), summary: expect.any(String) },
      },
    ]);
    expect((await tia.call('GET', '/api/approvals')).json.waitingForYou).toBe(1);

    // The one who asked sees it too, with the reason they cannot decide it and who can.
    const [forLee] = (await lee.call('GET', '/api/overview')).json.needsYou;
    expect(forLee).toMatchObject({ operationId: ids.plan, forYou: false });
    expect(forLee.reason).toContain('another team-lead must approve');
    expect((await lee.call('GET', '/api/approvals')).json.waitingForYou).toBe(0);
    const [forVic] = (await vic.call('GET', '/api/overview')).json.needsYou;
    expect(forVic).toMatchObject({ forYou: false, reason: expect.stringContaining('needs team-lead') });
    expect((await vic.call('GET', '/api/approvals')).json.waitingForYou).toBe(0);

    // Decided or stopped, they leave both lists.
    expect((await lee.call('POST', `/api/operations/${ids.plan}/cancel`, {})).status).toBe(200);
    expect((await lee.call('POST', `/api/operations/${ids.held}/cancel`, {})).status).toBe(200);
    await mender.waitForStatus(ids.held, ['cancelled']);
    const after = (await tia.call('GET', '/api/overview')).json;
    expect(after).toMatchObject({ needsYou: [], running: [] });
  });

  it('turns health degraded when more than 30% of the last finished operations failed, with the figure and the window', async () => {
    // Five operations held in the queue by the pause, then given outcomes through the database (a
    // real failure takes a full run each).
    expect((await lee.call('POST', '/api/agent/pause', { reason: 'setting outcomes' })).status).toBe(200);
    const finished = await Promise.all(Array.from({ length: 5 }, (_, index) => start('fix', `outcome ${index}`)));
    expect((await tia.call('GET', '/api/overview')).json.running).toHaveLength(5); // queued counts as at work
    // Cancelled first, so no step picks them up after the resume.
    for (const id of finished) expect((await lee.call('POST', `/api/operations/${id}/cancel`, {})).status).toBe(200);
    const setStatus = async (id: string, status: string) => mender.store.db.execute(sql`UPDATE operations SET status = ${status} WHERE id = ${id}`);
    for (const id of finished.slice(0, 3)) await setStatus(id, 'done');
    for (const id of finished.slice(3)) await setStatus(id, 'failed');
    expect((await mender.call('POST', '/api/agent/resume')).status).toBe(200);

    const { agent } = (await tia.call('GET', '/api/overview')).json;
    // Cancelled operations (the first case's two) are not outcomes.
    expect(agent.recentFailures).toEqual({ window: 20, finished: 5, failed: 2, rate: 0.4, threshold: 0.3, minimum: 5 });
    expect(agent.health).toBe('degraded');
    expect(agent.healthReasons).toEqual(['2 of the last 5 finished operations failed (40%, above 30%): open the failed ones to see why']);
    expect((await tia.call('GET', '/api/agent')).json).toMatchObject({ health: 'degraded' });

    await setStatus(finished[3]!, 'done');
    const better = (await tia.call('GET', '/api/overview')).json.agent;
    expect(better).toMatchObject({ health: 'ok', healthReasons: [], recentFailures: { finished: 5, failed: 1, rate: 0.2 } });
  });
});
