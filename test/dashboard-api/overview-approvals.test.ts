import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleScript, startScriptedModelServer, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { createUserAndSignIn, type BrowserSession } from './support/browser-session.ts';

const prices = { 'openai-compatible:scripted-model': { input: 3, output: 15 } };

describe('overview, approvals queue and live settings on real operations', () => {
  let model: ScriptedModelServer;
  let mender: MenderUnderTest;
  let target: TargetRepository;
  let admin: BrowserSession;
  let lead: BrowserSession;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    model = await startScriptedModelServer(roleScript({ planner: plannerReplies, coder: coderReplies(), reviewer: reviewerReplies }));
    mender = await startMenderUnderTest({
      MENDER_MODEL: 'openai-compatible:scripted-model',
      MENDER_MODEL_BASE_URL: model.url,
      MENDER_MODEL_PRICES: JSON.stringify(prices),
    });
    target = createTargetRepository();
    expect((await mender.call('POST', '/api/repos', { name: 'cart', path: target.path })).status).toBe(201);
    admin = await createUserAndSignIn(mender, 'ada', 'admin');
    lead = await createUserAndSignIn(mender, 'lee', 'team-lead');
  });
  afterAll(async () => {
    await mender?.close();
    await model?.close();
    target?.cleanup();
  });

  const start = async (session: BrowserSession, type: string, description: string) => {
    const answer = await session.call('POST', '/api/operations', { type, description, repo: 'cart' });
    expect(answer.status, answer.text).toBe(201);
    return answer.json.id as string;
  };

  it('queues everything waiting for a human, oldest wait first, with gate, level and reasons', { timeout: 240_000 }, async () => {
    // Created first, but its (change) approval is asked for last: the queue is ordered by waiting time.
    ids.fix = await start(lead, 'fix', 'total() ignores quantity: 3 items at 4 cost 4 instead of 12');
    ids.plan = await start(lead, 'implement', 'support a quantity in total()');
    await mender.waitForStatus(ids.plan, ['awaiting_plan_approval']);
    await mender.waitForStatus(ids.fix, ['awaiting_approval']);
    const answer = await lead.call('GET', '/api/approvals');
    expect(answer.status).toBe(200);
    expect(answer.json.approvals).toEqual([
      {
        operationId: ids.plan,
        type: 'implement',
        repo: 'cart',
        description: 'support a quantity in total()',
        status: 'awaiting_plan_approval',
        gate: 'plan',
        level: 'team-lead',
        reasons: ['plans of implement operations wait for a human (MENDER_PLAN_GATE)', 'the planner estimates the risk as low'],
        rule: 'plan-gate-listed',
        reason: 'implement plans wait for a person (setting planGate)',
        requestedBy: 'lee',
        waitingSince: expect.any(String),
      },
      {
        operationId: ids.fix,
        type: 'fix',
        repo: 'cart',
        description: 'total() ignores quantity: 3 items at 4 cost 4 instead of 12',
        status: 'awaiting_approval',
        gate: 'change',
        level: 'team-lead',
        reasons: expect.arrayContaining(['autonomy level 1 proposes only; a person approves every change']),
        rule: 'autonomy-1-asks',
        reason: 'autonomy level 1 proposes only; a person approves every change',
        requestedBy: 'lee',
        waitingSince: expect.any(String),
      },
    ]);
    const [first, second] = answer.json.approvals;
    expect(Date.parse(first.waitingSince)).toBeLessThan(Date.parse(second.waitingSince));
    const detail = (await lead.call('GET', `/api/operations/${ids.fix}`)).json;
    expect(second.reasons).toEqual(['autonomy level 1 proposes only; a person approves every change', ...detail.risk.reasons]);
    // The detail names the same rule, for the decision panel.
    expect(detail.gateDecision).toMatchObject({
      gate: 'change',
      outcome: 'ask',
      level: 'team-lead',
      rule: 'autonomy-1-asks',
      event: { type: 'approval.requested' },
    });

    // Decided ones leave the queue.
    expect((await lead.call('POST', `/api/operations/${ids.fix}/reject`, { comment: 'not like this' })).status).toBe(200);
    expect((await lead.call('POST', `/api/operations/${ids.plan}/cancel`, {})).status).toBe(200);
    expect((await lead.call('GET', '/api/approvals')).json.approvals).toEqual([]);
  });

  it('applies settings changed in the dashboard to the next operation: autonomy, models, attempts', { timeout: 240_000 }, async () => {
    // Straight from level 1 the autonomy gate refuses level 3; the admin overrides it, with a reason.
    const refused = await admin.call('PATCH', '/api/settings', { autonomyLevel: 3 });
    expect(refused.json.error.message).toContain('autonomy-3-from-level-2-only');
    const changed = await admin.call('PATCH', '/api/settings', {
      autonomyLevel: 3,
      reviewerModel: 'openai-compatible:second-model',
      override: 'a test team: every merge is read afterwards',
    });
    expect(changed.status, changed.text).toBe(200);
    expect((await lead.call('GET', '/api/agent')).json.autonomyLevel).toBe(3);
    ids.merged = await start(lead, 'fix', 'total() ignores quantity, fix it');
    const merged = await mender.waitForStatus(ids.merged, ['done', 'failed', 'awaiting_approval']);
    expect(merged.status, merged.failureReason).toBe('done');
    expect(merged.timeline.map((event: { type: string }) => event.type)).toContain('change.auto_approved');
    // The reviewer ran on the model set at run time; the planner kept the default.
    const started = merged.timeline
      .filter((event: { type: string }) => event.type === 'agent.started')
      .map((event: { data: { role: string; model: string } }) => [event.data.role, event.data.model]);
    expect(started).toContainEqual(['reviewer', 'openai-compatible:second-model']);
    expect(started).toContainEqual(['planner', 'openai-compatible:scripted-model']);
    expect(model.requests.some((request) => request.body.model === 'second-model')).toBe(true);

    // The fix is merged now: the same task cannot go red again, and one attempt is all it gets.
    expect((await admin.call('PATCH', '/api/settings', { maxAttempts: 1, reviewerModel: null })).status).toBe(200);
    ids.failed = await start(lead, 'fix', 'total() ignores quantity, once more');
    const failed = await mender.waitForStatus(ids.failed, ['failed', 'done', 'awaiting_approval']);
    expect(failed.status).toBe('failed');
    expect(failed.maxAttempts).toBe(1);
  });

  it('sums up each day of the window: outcomes, success rate, median time to a verified change, cost', async () => {
    const operations = await Promise.all(Object.values(ids).map(async (id) => (await lead.call('GET', `/api/operations/${id}`)).json));
    // One operation moved two days back, through the database, to see the days apart.
    await mender.store.db.execute(sql`UPDATE operations SET created_at = created_at - interval '2 days' WHERE id = ${ids.plan}`);
    const answer = await lead.call('GET', '/api/overview?days=7');
    expect(answer.status).toBe(200);
    const { agent, counts, daily } = answer.json;
    expect(agent).toMatchObject({ paused: false, pausedBy: null, autonomyLevel: 3, sandbox: 'bubblewrap', health: 'ok', healthReasons: [] });
    expect(agent.lastAction).toMatchObject({ type: expect.any(String), operationId: ids.failed, summary: expect.any(String) });
    expect(counts).toEqual({ rejected: 1, cancelled: 1, done: 1, failed: 1 });

    const days = daily.map((entry: { day: string }) => entry.day);
    expect(days).toHaveLength(7);
    const today = new Date().toISOString().slice(0, 10);
    expect(days[6]).toBe(today);
    expect(days).toEqual([...days].sort());
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60_000).toISOString().slice(0, 10);
    expect(daily.find((entry: { day: string }) => entry.day === twoDaysAgo)).toMatchObject({
      total: 1,
      cancelled: 1,
      merged: 0,
      successRate: null,
      cost: expect.any(Number),
    });

    const todays = daily[6];
    expect(todays).toMatchObject({ total: 3, merged: 1, failed: 1, rejected: 1, cancelled: 0 });
    expect(todays.successRate).toBeCloseTo(1 / 3, 6);
    const verifiedMinutes = operations
      .filter((operation) => operation.id !== ids.plan)
      .flatMap((operation) => {
        const passed = operation.timeline.find((event: { type: string }) => event.type === 'verification.passed');
        return passed ? [(Date.parse(passed.at) - Date.parse(operation.createdAt)) / 60_000] : [];
      })
      .sort((a, b) => a - b);
    expect(verifiedMinutes).toHaveLength(2);
    expect(todays.medianMinutesToVerified).toBeCloseTo((verifiedMinutes[0]! + verifiedMinutes[1]!) / 2, 2);
    const costOf = (operation: { usage: Record<string, { cost?: number }> }) => Object.values(operation.usage).reduce((sum, role) => sum + (role.cost ?? 0), 0);
    const expectedCost = operations.filter((operation) => operation.id !== ids.plan).reduce((sum, operation) => sum + costOf(operation), 0);
    expect(expectedCost).toBeGreaterThan(0);
    expect(todays.cost).toBeCloseTo(expectedCost, 5);
    for (const entry of daily.slice(0, 4)) expect(entry).toMatchObject({ total: 0, successRate: null, medianMinutesToVerified: null, cost: 0 });
  });

  it('reports the agent degraded with reasons while paused', async () => {
    expect((await lead.call('POST', '/api/agent/pause', { reason: 'incident 42' })).status).toBe(200);
    const agent = (await lead.call('GET', '/api/agent')).json;
    expect(agent).toMatchObject({ paused: true, pausedBy: 'lee', reason: 'incident 42', health: 'degraded' });
    expect(agent.healthReasons).toEqual(['paused by lee: incident 42; nothing runs until an admin resumes']);
    expect((await lead.call('GET', '/api/overview')).json.daily).toHaveLength(30);
    expect((await admin.call('POST', '/api/agent/resume')).status).toBe(200);
    expect((await lead.call('GET', '/api/agent')).json).toMatchObject({ paused: false, health: 'ok' });
    expect((await lead.call('GET', '/api/overview?days=0')).status).toBe(400);
  });

  it('filters operations by source and reports the total for paging', async () => {
    const byToken = (await mender.call('POST', '/api/operations', { type: 'fix', description: 'from the API', repo: 'cart' })).json.id;
    await mender.call('POST', `/api/operations/${byToken}/cancel`);
    const dashboard = (await lead.call('GET', '/api/operations?source=dashboard&limit=2')).json;
    expect(dashboard.total).toBe(4);
    expect(dashboard.operations).toHaveLength(2);
    expect(dashboard.operations.every((operation: { source: string }) => operation.source === 'dashboard')).toBe(true);
    const api = (await lead.call('GET', '/api/operations?source=api')).json;
    expect(api).toMatchObject({ total: 1, operations: [{ id: byToken, source: 'api' }] });
    expect((await lead.call('GET', '/api/operations?source=dashboard&status=done')).json.total).toBe(1);
    expect((await lead.call('GET', '/api/operations?source=fax')).status).toBe(400);
  });

  it('filters the audit log by operation, with actor and action', async () => {
    const rows = (await admin.call('GET', `/api/audit?operation=${ids.merged}&limit=1000`)).json.entries;
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.every((row: { subject: string }) => row.subject === `operation:${ids.merged}`)).toBe(true);
    expect(rows.map((row: { action: string }) => row.action)).toEqual(expect.arrayContaining(['operation.created', 'change.auto_approved']));
    const created = (await admin.call('GET', `/api/audit?operation=${ids.merged}&action=operation.created&actor=lee`)).json.entries;
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ actor: 'lee', action: 'operation.created', details: { source: 'dashboard' } });
    const both = await admin.call('GET', `/api/audit?operation=${ids.merged}&subject=agent`);
    expect(both.status).toBe(400);
    expect(both.json.error.message).toContain('subject or operation');
  });
});
