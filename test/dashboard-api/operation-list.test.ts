import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleScript, type ScriptHandler } from '../fakes/scripted-model-server.ts';
import { countAssistantTurns } from '../fakes/conversation-inspection.ts';
import { startCartPipeline, type CartPipeline } from '../support/cart-pipeline.ts';
import { cartPlan, coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';
import { eventually } from '../support/eventually.ts';

// The operations list you can scan (issue 19): a one-line title per source, the row's columns,
// search and sort on the server, and a 400 that says what to do for a bad parameter. One Mender,
// three operations: one planned and changed, one whose planner gives up, one the detector started.
function envelope(events: Record<string, unknown>[]): string {
  const lines = [JSON.stringify({})];
  for (const event of events) {
    const payload = JSON.stringify(event);
    lines.push(JSON.stringify({ type: 'event', length: Buffer.byteLength(payload) }), payload);
  }
  return `${lines.join('\n')}\n`;
}

const detectedError = () => ({
  event_id: crypto.randomUUID().replace(/-/g, ''),
  level: 'error',
  exception: {
    values: [
      {
        type: 'TypeError',
        value: 'broken in checkout',
        stacktrace: { frames: [{ filename: '/srv/app/cart.js', function: 'checkout', lineno: 3, in_app: true }] },
      },
    ],
  },
});

const ended = ['awaiting_approval', 'done', 'merged', 'pr_open', 'failed'];
type Row = Record<string, any>;

describe('the operations list', () => {
  let pipeline: CartPipeline;
  let planned: Row;
  let unplanned: Row;
  let detected: Row;

  const list = async (query: string) => {
    const response = await pipeline.mender.call('GET', `/api/operations?${query}`);
    expect(response.status, response.text).toBe(200);
    return response.json as { operations: Row[]; total: number };
  };

  beforeAll(async () => {
    // The planner gives up on the detected error and on descriptions asking for no plan: no plan, so the title comes from elsewhere.
    const planner: ScriptHandler = (request) => {
      const body = JSON.stringify(request.body);
      if (body.includes('Mender detected') || body.includes('no plan')) return { text: 'I cannot plan this.' };
      return plannerReplies[countAssistantTurns(request.body)] ?? { text: 'done' };
    };
    pipeline = await startCartPipeline(roleScript({ planner, coder: coderReplies(), reviewer: reviewerReplies }), {
      MENDER_MAX_ATTEMPTS: '1',
      MENDER_DETECT_RETRY_COOLDOWN_SECONDS: '0',
      MENDER_MODEL_PRICES: JSON.stringify({ 'openai-compatible:scripted-model': { input: 3, output: 15 }, 'scripted-model': { input: 3, output: 15 } }),
    });
    const { mender } = pipeline;
    const create = async (description: string) => {
      const created = await mender.call('POST', '/api/operations', { type: 'fix', repo: 'cart', description });
      expect(created.status, created.text).toBe(201);
      return mender.waitForStatus(created.json.id, ended);
    };
    await create('The cart total ignores the quantity\nA cart with two of an item shows the price of one.');
    await create('no plan: checkout is slow for 100% of carts_x\nSecond line with details.');
    const project = (await mender.call('POST', '/api/projects', { name: 'shop', repo: 'cart' })).json as { id: number; publicKey: string };
    const sent = await mender.app.request(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, {
      method: 'POST',
      body: envelope(Array.from({ length: 12 }, detectedError)),
    });
    expect(sent.status).toBe(200);
    const fromDetector = await eventually(
      () => list('source=detector'),
      (page) => page.operations.length === 1 && page.operations[0]!.status === 'failed',
      'the detected issue starts an operation that fails in planning',
      60_000,
    );
    const all = (await list('limit=10')).operations;
    planned = all.find((row) => row.description.startsWith('The cart total'))!;
    unplanned = all.find((row) => row.description.startsWith('no plan'))!;
    detected = fromDetector.operations[0]!;
  }, 240_000);

  afterAll(async () => {
    await pipeline?.mender.close();
    await pipeline?.model.close();
    pipeline?.target.cleanup();
  });

  it('titles each row in one line: the plan summary, the detected error, else the description', () => {
    expect(planned.title).toBe(cartPlan.summary);
    expect(detected.title).toBe('TypeError: broken in checkout');
    expect(unplanned.title).toBe('no plan: checkout is slow for 100% of carts_x');
  });

  it('gives the columns a row shows: status reason, risk, size, end, cost and tokens', () => {
    expect(planned.riskLevel).toMatch(/^(low|medium|high|critical)$/);
    expect(planned.size).toEqual({ files: expect.any(Number), insertions: expect.any(Number), deletions: expect.any(Number) });
    expect(planned.size.files).toBeGreaterThan(0);
    expect(planned.tokens).toBeGreaterThan(0);
    expect(planned.cost).toBeGreaterThan(0);
    expect(unplanned.statusReason).toBeTruthy();
    expect(unplanned.statusReason).not.toContain('\n');
    expect(unplanned.failureReason.startsWith(unplanned.statusReason.replace(/…$/, ''))).toBe(true);
    expect(unplanned.endedAt).toBe(unplanned.updatedAt);
    expect(unplanned.size).toBeNull();
    if (planned.status === 'awaiting_approval') {
      expect(planned.statusReason).toMatch(/^waits for .*approval of the change$/);
      expect(planned.endedAt).toBeNull();
    }
  });

  it('searches title sources, id and branch, case-insensitively, with % and _ matched literally', async () => {
    const ids = async (q: string) => (await list(`q=${encodeURIComponent(q)}`)).operations.map((row) => row.id);
    expect(await ids('MULTIPLY PRICE')).toEqual([planned.id]);
    expect(await ids('broken in checkout')).toEqual([detected.id]);
    expect(await ids('100%')).toEqual([unplanned.id]);
    expect(await ids('%')).toEqual([unplanned.id]);
    expect(await ids('s_x')).toEqual([unplanned.id]);
    expect(await ids('s_')).toEqual([unplanned.id]);
    expect(await ids(unplanned.id)).toEqual([unplanned.id]);
    if (planned.branch) expect(await ids(planned.branch)).toEqual([planned.id]);
    expect(await ids("'; DROP TABLE operations; --")).toEqual([]);
    const page = await list(`q=${encodeURIComponent('cart')}&limit=1`);
    expect(page.total).toBeGreaterThanOrEqual(2);
    expect(page.operations).toHaveLength(1);
    // Blank search text is no filter.
    expect((await list('q=%20%20')).total).toBe(3);
  });

  it('sorts by age, duration, risk and status in either order', async () => {
    const order = async (query: string) => (await list(query)).operations.map((row) => row.id);
    expect(await order('')).toEqual([detected.id, unplanned.id, planned.id]);
    expect(await order('sort=age&order=desc')).toEqual([planned.id, unplanned.id, detected.id]);
    expect((await order('sort=risk'))[0]).toBe(planned.id);
    expect((await order('sort=risk&order=asc')).at(-1)).toBe(planned.id);
    // The first operation ran longest (it also planned, changed and reviewed); a waiting one's duration runs to now.
    expect((await order('sort=duration'))[0]).toBe(planned.id);
    expect((await order('sort=duration&order=asc')).at(-1)).toBe(planned.id);
    const byStatus = (await list('sort=status')).operations.map((row) => row.status);
    if (planned.status === 'awaiting_approval') expect(byStatus[0]).toBe('awaiting_approval');
    expect(byStatus.at(-1)).toBe('failed');
  });

  it('refuses a bad search, sort or order with a 400 that says what to do', async () => {
    const refused = async (query: string) => {
      const response = await pipeline.mender.call('GET', `/api/operations?${query}`);
      expect(response.status, response.text).toBe(400);
      return (response.json as { error: { code: string; message: string; fields?: Record<string, string[]> } }).error;
    };
    expect((await refused('sort=size')).message).toContain('sort by one of age, duration, risk, status');
    expect((await refused('order=up')).message).toContain('order is asc (smallest first) or desc (largest first)');
    const long = await refused(`q=${'a'.repeat(201)}`);
    expect(long.message).toContain('at most 200 characters');
    expect(long.fields?.q?.[0]).toContain('shorten it');
    expect((await refused('q=%00')).message).toContain('q');
  });
});
