import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMenderUnderTest, type MenderUnderTest } from '../../test/support/mender-under-test.ts';
import { describeRedis } from '../../test/support/redis-server.ts';
import { loadSettings } from '../config/load-settings.ts';

it('refuses a queue URL that is not a Redis URL, saying what to give', () => {
  expect(() => loadSettings({ MENDER_QUEUE_URL: 'http://redis:6379' }, '/tmp')).toThrow(/MENDER_QUEUE_URL.*redis:\/\//s);
});

describeRedis('Mender with its job queue on Redis', (getServer) => {
  let mender: MenderUnderTest;

  beforeAll(async () => {
    mender = await startMenderUnderTest({ MENDER_QUEUE_URL: getServer().url });
  });
  afterAll(async () => {
    await mender?.close();
  });

  it('is ready while Redis answers, reports the queues from Redis, and is not ready once Redis is gone', async () => {
    expect((await mender.call('GET', '/ready')).json).toEqual({ status: 'ready' });
    const metrics = await mender.call('GET', '/metrics');
    expect(metrics.text).toContain('mender_queue_jobs{queue="planning",state="waiting"} 0');

    await getServer().stop();
    const ready = await mender.call('GET', '/ready');
    expect(ready.status).toBe(503);
    expect(ready.json.status).toBe('queue_unreachable');
  });
});
