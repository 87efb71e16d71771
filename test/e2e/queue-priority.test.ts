import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptedReply } from '../fakes/scripted-model-server.ts';
import { startCartPipeline, type CartPipeline } from '../support/cart-pipeline.ts';
import { eventually } from '../support/eventually.ts';

// Every planner call hangs: an operation that started planning stays there, so what the one
// planning slot takes next is what the queue ranks first.
const hang: ScriptedReply = { hang: true };

describe('queue priority from severity', () => {
  let pipeline: CartPipeline;

  beforeAll(async () => {
    pipeline = await startCartPipeline(() => hang, { MENDER_PLANNING_CONCURRENCY: '1' });
  });

  afterAll(async () => {
    await pipeline?.mender.close();
    await pipeline?.model.close();
    pipeline?.target.cleanup();
  });

  async function start(description: string, severity?: string): Promise<string> {
    const created = await pipeline.mender.call('POST', '/api/operations', {
      type: 'fix',
      description,
      repo: 'cart',
      ...(severity && { errorContext: { message: description, severity } }),
    });
    expect(created.status).toBe(201);
    return created.json.id as string;
  }

  const status = async (id: string) => (await pipeline.mender.call('GET', `/api/operations/${id}`)).json.status as string;

  it('starts a P0 before three older P3 operations waiting in the same queue', async () => {
    const blocker = await start('holds the planning slot', 'P3');
    await eventually(
      () => status(blocker),
      (value) => value === 'planning',
      'the first operation to start planning',
    );
    const older = [await start('P3 number one', 'P3'), await start('P3 number two', 'P3'), await start('P3 number three', 'P3')];
    const urgent = await start('checkout is down for everyone', 'P0');

    expect((await pipeline.mender.call('POST', `/api/operations/${blocker}/cancel`, { comment: 'frees the slot' })).status).toBe(200);
    await eventually(
      () => status(urgent),
      (value) => value === 'planning',
      'the P0 to start planning',
    );
    for (const id of older) expect(await status(id)).toBe('queued');
    // The planner was asked about the P0; none of the P3s reached it.
    const planned = await eventually(
      () => pipeline.model.requests.filter((request) => request.role === 'planner').map((request) => JSON.stringify(request.body)),
      (bodies) => bodies.some((body) => body.includes('checkout is down for everyone')),
      'the planner to be asked about the P0',
    );
    expect(planned.filter((body) => body.includes('P3 number'))).toEqual([]);
  });
});
