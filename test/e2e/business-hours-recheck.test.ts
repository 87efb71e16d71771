import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countAssistantTurns } from '../fakes/conversation-inspection.ts';
import { roleScript, type ScriptedReply } from '../fakes/scripted-model-server.ts';
import { startCartPipeline, type CartPipeline } from '../support/cart-pipeline.ts';
import { plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';

// Wednesday 2 December 2026, 20:00 in Berlin; the window opens Thursday at 09:00 (08:00 UTC).
const evening = new Date('2026-12-02T19:00:00Z');
const nextMorning = new Date('2026-12-03T08:00:00Z');

/** A refactor that only adds a passing test: low risk, eligible for automatic approval at level 2. */
function testOnlyCoder(file: string): ScriptedReply[] {
  const content = `import { expect, it } from 'vitest';\nimport { total } from '../src/cart.ts';\n\nit('totals an empty cart as 0 (${file})', () => {\n  expect(total([])).toBe(0);\n});\n`;
  return [
    { toolCalls: [{ name: 'filesystem__writeFile', arguments: { path: `test/${file}.test.ts`, content } }] },
    { toolCalls: [{ name: 'finish', arguments: { summary: 'Covers the empty cart.' } }] },
  ];
}

describe('a change that waits for business hours goes on when they start', () => {
  let pipeline: CartPipeline;
  let now = evening;

  beforeAll(async () => {
    const coder = (request: { body: unknown }) => {
      const replies = testOnlyCoder(JSON.stringify(request.body).includes('second cover') ? 'empty-again' : 'empty');
      return replies[countAssistantTurns(request.body as never)] ?? { text: 'done' };
    };
    pipeline = await startCartPipeline(
      roleScript({ planner: plannerReplies, coder, reviewer: reviewerReplies }),
      { MENDER_AUTONOMY_LEVEL: '2', MENDER_TIME_ZONE: 'Europe/Berlin' },
      { clock: () => new Date(now) },
    );
  });
  afterAll(async () => {
    await pipeline?.mender.close();
    await pipeline?.model.close();
    pipeline?.target.cleanup();
  });

  const start = async (description: string) => {
    const errorContext = { message: 'the empty cart has no test', severity: 'P3' };
    const created = await pipeline.mender.call('POST', '/api/operations', { type: 'refactor', description, repo: 'cart', errorContext });
    expect(created.status, created.text).toBe(201);
    return created.json.id as string;
  };
  const requested = (operation: { timeline: { type: string; data: Record<string, unknown> }[] }) =>
    operation.timeline.filter((event) => event.type === 'approval.requested').at(-1)?.data;

  it('waits at 20:00 naming outside-business-hours, and merges by the policy after the 09:00 recheck', { timeout: 240_000 }, async () => {
    const { mender, target } = pipeline;
    const before = target.head();
    const id = await start('cover the empty cart');
    const waiting = await mender.waitForStatus(id, ['awaiting_approval', 'done', 'failed']);
    expect(waiting.status, waiting.failureReason).toBe('awaiting_approval');
    expect(requested(waiting)).toMatchObject({ rule: 'outside-business-hours', recheckAt: nextMorning.toISOString() });

    // Not yet due: nothing moves.
    now = new Date('2026-12-03T07:59:00Z');
    expect(await mender.recheckWaits()).toEqual([]);
    expect((await mender.call('GET', `/api/operations/${id}`)).json.status).toBe('awaiting_approval');

    now = nextMorning;
    expect(await mender.recheckWaits()).toEqual([id]);
    const done = await mender.waitForStatus(id, ['done', 'failed']);
    expect(done.status, done.failureReason).toBe('done');
    const approved = done.timeline.find((event: { type: string }) => event.type === 'change.auto_approved');
    expect(approved).toMatchObject({
      actor: 'policy',
      data: { rule: 'autonomy-2-auto-eligible', recheck: true, policy: { rule: 'autonomy-2-auto-eligible' } },
    });
    expect(approved.data.policy.facts).toMatchObject({ business_hours: true, weekday: 'thu', hour: 9 });
    expect(done.approvals.at(-1)).toMatchObject({ gate: 'change', decision: 'approved', decidedBy: 'policy' });
    expect(target.git('rev-parse', 'main^')).toBe(before);
    // Once moved on, a recheck is a no-op.
    expect(await mender.recheckWaits()).toEqual([]);
  });

  it('holds the 11th merge of the day for a person, naming the daily limit', { timeout: 240_000 }, async () => {
    const { mender } = pipeline;
    // Ten merges today by the test's clock: the events table is stamped by the database's own
    // clock, so they are written here rather than made by ten more runs.
    const merged = rowsOf(await mender.store.db.execute(sql`SELECT id FROM operations WHERE status = 'done' LIMIT 1`));
    for (let index = 0; index < 10; index += 1)
      await mender.store.db.execute(
        sql`INSERT INTO events (operation_id, type, actor, data, at) VALUES (${merged[0]!.id}, 'change.merged', 'mender', '{}'::jsonb, ${nextMorning.toISOString()})`,
      );
    now = new Date('2026-12-03T09:00:00Z');
    const id = await start('second cover of the empty cart');
    const waiting = await mender.waitForStatus(id, ['awaiting_approval', 'done', 'failed']);
    expect(waiting.status, waiting.failureReason).toBe('awaiting_approval');
    expect(requested(waiting)).toMatchObject({ rule: 'daily-deployment-limit', requiredLevel: 'team-lead' });
    expect(requested(waiting)?.recheckAt).toBeUndefined();
    expect(await mender.recheckWaits()).toEqual([]);
  });
});

function rowsOf(result: unknown): { id: string }[] {
  return (result as { rows: { id: string }[] }).rows;
}
