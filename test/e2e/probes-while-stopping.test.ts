import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startMenderUnderTest } from '../support/mender-under-test.ts';

// A stopping process finishes the requests it holds (a drain, a supervisor's handover). Until it
// has, its liveness probe must stay 200: a 503 there is a refused request to whoever still holds a
// keep-alive connection to it, and a restart of a process that is only draining. Readiness says
// it is stopping, so no new traffic is sent to it.
describe('the probes of a process that is stopping', () => {
  it('answer /health 200 and /ready 503 stopping while it drains, as they did before the stop began', async () => {
    const mender = await startMenderUnderTest({}, { drainRequestsMs: 2_000 });
    try {
      expect((await mender.call('GET', '/health')).json).toEqual({ status: 'ok' });
      expect((await mender.call('GET', '/ready')).json).toEqual({ status: 'ready' });
      const stopped = mender.stop();
      const health = await mender.call('GET', '/health');
      const ready = await mender.call('GET', '/ready');
      await stopped;
      expect({ status: health.status, body: health.json }).toEqual({ status: 200, body: { status: 'ok' } });
      expect({ status: ready.status, body: ready.json }).toEqual({ status: 503, body: { status: 'stopping' } });
    } finally {
      fs.rmSync(mender.dataDir, { recursive: true, force: true });
    }
  });
});
