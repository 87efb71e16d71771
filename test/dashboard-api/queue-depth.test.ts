import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { describeRedis } from '../support/redis-server.ts';

// GET /api/queue/depth is what KEDA's metrics-api scaler reads (deploy/kubernetes): the same
// numbers from the database's queue and from Redis. This process takes only the deploying queue,
// so the planning jobs of the operations it is asked for wait for a worker that never comes.
async function startWithWaitingPlans(env: Record<string, string>): Promise<{ mender: MenderUnderTest; target: TargetRepository }> {
  const target = createTargetRepository();
  const mender = await startMenderUnderTest({ MENDER_WORKER_QUEUES: 'deploying', ...env });
  expect((await mender.call('POST', '/api/repos', { name: 'shop', path: target.path })).status).toBe(201);
  for (const description of ['The total ignores quantities', 'The discount is applied twice', 'Prices round down'])
    expect((await mender.call('POST', '/api/operations', { type: 'fix', repo: 'shop', description })).status).toBe(201);
  return { mender, target };
}

function checksDepth(start: () => Promise<{ mender: MenderUnderTest; target: TargetRepository }>) {
  let mender: MenderUnderTest;
  let target: TargetRepository;
  beforeAll(async () => ({ mender, target } = await start()), 120_000);
  afterAll(async () => {
    await mender?.close();
    target?.cleanup();
  });

  it('counts the waiting planning jobs in the scaled queues and in `scaling`; another queue on its own counts none', async () => {
    const depth = await mender.call('GET', '/api/queue/depth');
    expect(depth.status).toBe(200);
    expect(depth.json.queues).toEqual({
      planning: { waiting: 3, delayed: 0, active: 0 },
      execution: { waiting: 0, delayed: 0, active: 0 },
      webhooks: { waiting: 0, delayed: 0, active: 0 },
    });
    expect(depth.json).toMatchObject({ total: { waiting: 3, delayed: 0, active: 0 }, scaling: 3 });
    expect((await mender.call('GET', '/api/queue/depth?queues=merging')).json).toMatchObject({ queues: { merging: { waiting: 0 } }, scaling: 0 });
  });

  it('refuses a queue it does not have, naming the ones it has', async () => {
    const refused = await mender.call('GET', '/api/queue/depth?queues=planning,builds');
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.json.error)).toMatch(/no queue named builds; give a comma-separated list of planning, execution/);
  });

  it('answers only with a token (the scaler holds a viewer one)', async () => {
    expect((await mender.app.request('/api/queue/depth')).status).toBe(401);
  });
}

describe('the queue depth for an autoscaler, with the queue in the database', () => {
  checksDepth(() => startWithWaitingPlans({}));
});

describeRedis('the queue depth for an autoscaler, with the queue on Redis', (getServer) => {
  checksDepth(() => startWithWaitingPlans({ MENDER_QUEUE_URL: getServer().url }));
});
